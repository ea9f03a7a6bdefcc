/**
 * Recovery under faults (issue #15), against the real server process and the GitHub double:
 * - kill -9 during bursts of creates, delegations and comments, with and without
 *   `Idempotency-Key`; keyed requests without an answer are retried with the same key;
 * - downtime: changes made on github.com while Baton is down must be relayed after restart;
 * - lost answers: GitHub performs a write then answers 502, and the nonce lookup fails too;
 *   the client retries with the same key until it gets an answer.
 * Counts what was lost or doubled: every figure but `trials` should be 0, and every downtime
 * change relayed.
 */
import { randomUUID } from "node:crypto";
import { startEventReceiver, type EventReceiver } from "../../test/support/event-receiver.js";
import { startStack, type ApiResponse, type Stack } from "../../test/support/stack.js";

export interface RecoveryFigures {
  trials: number;
  tasks_lost: number;
  comments_lost: number;
  duplicate_issues: number;
  duplicate_comments: number;
  events_lost: number;
  events_duplicated: number;
  downtime_changes_relayed: string;
}

type Op =
  | { kind: "create" | "delegate"; keyed: boolean; tag: string }
  | { kind: "comment"; keyed: boolean; tag: string };

interface Outcome {
  op: Op;
  /** The task or comment id, once an answer said so. */
  id?: number;
  taskId: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ok = (res: ApiResponse | undefined) =>
  res !== undefined && res.status >= 200 && res.status < 300;

/** One request; a connection cut by kill -9 is "no answer". */
async function send(
  stack: Stack,
  key: string,
  op: Op,
  parent: number,
  idemKey: string | undefined,
): Promise<ApiResponse | undefined> {
  const headers: Record<string, string> = idemKey ? { "idempotency-key": idemKey } : {};
  const [path, body] =
    op.kind === "create"
      ? ["/v1/tasks", { content: op.tag, allow_duplicate: true }]
      : op.kind === "delegate"
        ? [`/v1/tasks/${parent}/delegate`, { content: op.tag, allow_duplicate: true }]
        : [`/v1/tasks/${parent}/comments`, { content: op.tag }];
  return stack.api(key, "POST", path, body, headers).catch(() => undefined);
}

async function burst(stack: Stack, worker: string, parent: number, trial: number) {
  const ops: Op[] = [];
  const add = (kind: Op["kind"], keyed: boolean, n: number) => {
    for (let i = 0; i < n; i++)
      ops.push({
        kind,
        keyed,
        tag: `chaos ${trial} ${kind} ${keyed ? "k" : "u"}${i} ${randomUUID()}`,
      });
  };
  add("create", true, 4);
  add("create", false, 2);
  add("delegate", true, 3);
  add("comment", true, 3);
  add("comment", false, 1);
  const keys = ops.map((op) => (op.keyed ? randomUUID() : undefined));
  const pending = ops.map((op, i) => send(stack, worker, op, parent, keys[i]));
  await sleep(20 + Math.floor(Math.random() * 400));
  await stack.baton.kill();
  const answers = await Promise.all(pending);
  await stack.restart();
  const outcomes: Outcome[] = [];
  for (const [i, op] of ops.entries()) {
    let answer = answers[i];
    // A keyed request without an answer is retried with its key, as a careful client does.
    for (let attempt = 0; op.keyed && !ok(answer) && attempt < 20; attempt++) {
      if (attempt > 0) await sleep(500);
      answer = await send(stack, worker, op, parent, keys[i]);
    }
    if (ok(answer)) outcomes.push({ op, id: answer!.json.id as number, taskId: parent });
    else if (op.keyed) outcomes.push({ op, taskId: parent }); // never answered: lost if absent
  }
  return outcomes;
}

/** GitHub performs each write, then its answer is lost; the nonce lookups fail too. */
async function lostAnswers(stack: Stack, worker: string, parent: number, trial: number) {
  const outcomes: Outcome[] = [];
  const cases: { op: Op; faults: Parameters<Stack["double"]["injectFault"]>[0][] }[] = [
    {
      op: { kind: "create", keyed: true, tag: `chaos ${trial} lost create ${randomUUID()}` },
      faults: [
        {
          method: "POST",
          route: "POST /repos/{owner}/{repo}/issues",
          kind: "status",
          status: 502,
          when: "after",
        },
      ],
    },
    {
      op: { kind: "delegate", keyed: true, tag: `chaos ${trial} lost delegate ${randomUUID()}` },
      faults: [
        { route: "graphql:BatonCreateSubIssue", kind: "status", status: 502, when: "after" },
      ],
    },
    {
      op: { kind: "comment", keyed: true, tag: `chaos ${trial} lost comment ${randomUUID()}` },
      faults: [
        {
          method: "POST",
          route: "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
          kind: "status",
          status: 504,
          when: "after",
        },
      ],
    },
  ];
  for (const { op, faults } of cases) {
    const key = randomUUID();
    for (const fault of faults) stack.double.injectFault(fault);
    // The lookups that would find the write fail for a while.
    stack.double.injectFault({
      method: "GET",
      route: "GET /repos/{owner}/{repo}/issues",
      kind: "status",
      status: 502,
      times: 6,
    });
    stack.double.injectFault({
      method: "GET",
      route: "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      kind: "status",
      status: 502,
      times: 6,
    });
    let answer: ApiResponse | undefined;
    for (let attempt = 0; !ok(answer) && attempt < 20; attempt++) {
      if (attempt > 0) await sleep(200);
      answer = await send(stack, worker, op, parent, key);
    }
    stack.double.clearFaults();
    outcomes.push(
      ok(answer) ? { op, id: answer!.json.id as number, taskId: parent } : { op, taskId: parent },
    );
  }
  return outcomes;
}

interface DowntimeChange {
  event: string;
  task: number;
  comment?: number;
}

/** Baton is down while a person changes three things on github.com. */
async function downtime(stack: Stack, closeable: number, commentOn: number, trial: number) {
  const asAlice = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${stack.double.url}/api/v3/repos/acme/tasks${path}`, {
      method,
      headers: { authorization: "token user:alice", "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { id: number; number: number };
  };
  await stack.baton.kill();
  const changes: DowntimeChange[] = [];
  const opened = await asAlice("POST", "/issues", {
    title: `chaos ${trial} opened while down`,
    // A collaborator hands it to Baton (docs/trust.md): then it is a task.
    labels: ["baton:task"],
  });
  changes.push({ event: "task.created", task: opened.number });
  const comment = await asAlice("POST", `/issues/${commentOn}/comments`, {
    body: `chaos ${trial} said while down`,
  });
  changes.push({ event: "task.commented", task: commentOn, comment: comment.id });
  await asAlice("PATCH", `/issues/${closeable}`, { state: "closed", state_reason: "completed" });
  changes.push({ event: "task.completed", task: closeable });
  await stack.double.waitForWebhooksIdle();
  await stack.restart();
  return changes;
}

async function settle(stack: Stack, receiver: EventReceiver): Promise<void> {
  await stack.double.waitForWebhooksIdle();
  for (let seen = -1; seen !== receiver.received.length;) {
    seen = receiver.received.length;
    await sleep(2500);
  }
}

export async function recovery(
  options: { trials?: number; log?: (line: string) => void } = {},
): Promise<RecoveryFigures> {
  const trials = options.trials ?? Number(process.env.CHAOS_TRIALS ?? 5);
  const log = options.log ?? (() => undefined);
  const stack = await startStack({
    env: {
      BATON_ALLOW_PRIVATE_WEBHOOKS: "true",
      BATON_CATCHUP_INTERVAL_S: "2",
      BATON_WEBHOOK_RETRY_BASE_MS: "100",
      BATON_GITHUB_RETRY_BUDGET_S: "0",
    },
  });
  const receiver = await startEventReceiver();
  try {
    const [admin, worker] = await Promise.all([
      stack.createAgent("admin", "admin"),
      stack.createAgent("worker"),
    ]);
    await stack.api(admin, "POST", "/v1/webhooks", { url: receiver.url, events: ["*"] });
    const outcomes: Outcome[] = [];
    const changes: DowntimeChange[] = [];
    for (let trial = 0; trial < trials; trial++) {
      const parent = (
        await stack.api(worker, "POST", "/v1/tasks", {
          content: `chaos ${trial} parent ${randomUUID()}`,
          allow_duplicate: true,
        })
      ).json.id as number;
      outcomes.push(...(await burst(stack, worker, parent, trial)));
      outcomes.push(...(await lostAnswers(stack, worker, parent, trial)));
      const created = outcomes.find(
        (o) =>
          o.op.kind === "create" && o.id !== undefined && o.op.tag.startsWith(`chaos ${trial} `),
      );
      changes.push(...(await downtime(stack, created?.id ?? parent, parent, trial)));
      log(`trial ${trial + 1}/${trials}: ${outcomes.length} answered writes so far`);
    }
    await settle(stack, receiver);
    return count(stack, receiver, trials, outcomes, changes);
  } finally {
    await receiver.close();
    await stack.stop();
  }
}

function count(
  stack: Stack,
  receiver: EventReceiver,
  trials: number,
  outcomes: Outcome[],
  changes: DowntimeChange[],
): RecoveryFigures {
  const issues = [...stack.double.state.issues.values()];
  const comments = [...stack.double.state.comments.values()];
  const issuesWith = (tag: string) => issues.filter((i) => i.title === tag).length;
  const commentsWith = (tag: string) => comments.filter((c) => c.body.includes(tag)).length;
  // Subscribers deduplicate on the event id (at-least-once delivery): count distinct events.
  const events = [...new Map(receiver.received.map((e) => [e.json.id as string, e.json])).values()];
  const created = (task: number) =>
    events.filter(
      (e) => (e.event === "task.created" || e.event === "task.delegated") && e.task.id === task,
    ).length;
  const commented = (comment: number) =>
    events.filter((e) => e.event === "task.commented" && e.comment?.id === comment).length;
  let tasksLost = 0,
    commentsLost = 0,
    duplicateIssues = 0,
    duplicateComments = 0,
    eventsLost = 0,
    eventsDuplicated = 0;
  for (const { op, id } of outcomes) {
    if (op.kind === "comment") {
      const n = commentsWith(op.tag);
      if (op.keyed || id !== undefined) commentsLost += n === 0 ? 1 : 0;
      duplicateComments += Math.max(0, n - 1);
      if (id !== undefined) {
        eventsLost += commented(id) === 0 ? 1 : 0;
        eventsDuplicated += Math.max(0, commented(id) - 1);
      }
    } else {
      const n = issuesWith(op.tag);
      tasksLost += n === 0 ? 1 : 0;
      duplicateIssues += Math.max(0, n - 1);
      if (id !== undefined) {
        eventsLost += created(id) === 0 ? 1 : 0;
        eventsDuplicated += Math.max(0, created(id) - 1);
      }
    }
  }
  let relayed = 0;
  for (const change of changes) {
    const n =
      change.comment !== undefined
        ? commented(change.comment)
        : events.filter((e) => e.event === change.event && e.task.id === change.task).length;
    if (n > 0) relayed++;
    eventsDuplicated += Math.max(0, n - 1);
  }
  return {
    trials,
    tasks_lost: tasksLost,
    comments_lost: commentsLost,
    duplicate_issues: duplicateIssues,
    duplicate_comments: duplicateComments,
    events_lost: eventsLost,
    events_duplicated: eventsDuplicated,
    downtime_changes_relayed: `${relayed} of ${changes.length}`,
  };
}
