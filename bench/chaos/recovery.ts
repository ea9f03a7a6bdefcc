/**
 * Recovery under faults (issue #15), against the real server process and the GitHub double:
 * - kill -9 during bursts of creates, delegations and comments, with and without
 *   `Idempotency-Key`; keyed requests without an answer are retried with the same key;
 * - downtime: changes made on github.com while Baton is down must be relayed after restart, while
 *   GitHub's deliveries API answers slowly (catch-up takes seconds, as on a loaded machine);
 * - lost answers: GitHub performs a write then answers 502, and the nonce lookup fails too;
 *   the client retries with the same key until it gets an answer.
 * Counts what was lost or doubled: every figure but `trials` should be 0, and every downtime
 * change relayed. A change counts as relayed when its event arrives within RELAY_WAIT_MS of the
 * end (not "before the receiver was quiet for a moment": a slow catch-up is not a lost change);
 * then a quiet spell catches late duplicates. `CHAOS_LOGS=1` prints the server's log lines.
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
/** How long the last events may take to arrive after the last restart. */
const RELAY_WAIT_MS = 120_000;
/** GitHub's deliveries API after a restart: each missed delivery takes this long to fetch. */
const SLOW_DELIVERY_MS = 3000;
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
  // Longer than the receiver's quiet spell below: arrival, not quiet, ends the wait.
  stack.double.injectFault({
    method: "GET",
    route: "GET /app/hook/deliveries/{delivery_id}",
    kind: "latency",
    latencyMs: SLOW_DELIVERY_MS,
    times: changes.length,
  });
  await stack.restart();
  return changes;
}

/** Subscribers deduplicate on the event id (at-least-once delivery): distinct events. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- events as the receiver parsed them
const distinct = (receiver: EventReceiver): any[] => [
  ...new Map(receiver.received.map((e) => [e.json.id as string, e.json])).values(),
];

/** Waits for every expected event (or RELAY_WAIT_MS), then for a quiet spell. */
async function settle(
  stack: Stack,
  receiver: EventReceiver,
  outcomes: Outcome[],
  changes: DowntimeChange[],
): Promise<void> {
  await stack.double.waitForWebhooksIdle();
  await receiver
    .waitFor(() => {
      const figures = eventFigures(distinct(receiver), outcomes, changes);
      return figures.lost === 0 && figures.missed.length === 0;
    }, RELAY_WAIT_MS)
    .catch(() => undefined); // counted below
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
    showLogs: process.env.CHAOS_LOGS === "1",
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
    await settle(stack, receiver, outcomes, changes);
    const figures = count(stack, receiver, trials, outcomes, changes);
    for (const change of eventFigures(distinct(receiver), outcomes, changes).missed)
      log(`not relayed: ${JSON.stringify(change)}`);
    return figures;
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
  let tasksLost = 0,
    commentsLost = 0,
    duplicateIssues = 0,
    duplicateComments = 0;
  for (const { op, id } of outcomes) {
    if (op.kind === "comment") {
      const n = commentsWith(op.tag);
      if (op.keyed || id !== undefined) commentsLost += n === 0 ? 1 : 0;
      duplicateComments += Math.max(0, n - 1);
    } else {
      const n = issuesWith(op.tag);
      tasksLost += n === 0 ? 1 : 0;
      duplicateIssues += Math.max(0, n - 1);
    }
  }
  const events = eventFigures(distinct(receiver), outcomes, changes);
  return {
    trials,
    tasks_lost: tasksLost,
    comments_lost: commentsLost,
    duplicate_issues: duplicateIssues,
    duplicate_comments: duplicateComments,
    events_lost: events.lost,
    events_duplicated: events.duplicated,
    downtime_changes_relayed: `${changes.length - events.missed.length} of ${changes.length}`,
  };
}

/** The answered writes without their event, the doubled events, the downtime changes missed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- events as the receiver parsed them
function eventFigures(events: any[], outcomes: Outcome[], changes: DowntimeChange[]) {
  const created = (task: number) =>
    events.filter(
      (e) => (e.event === "task.created" || e.event === "task.delegated") && e.task.id === task,
    ).length;
  const commented = (comment: number) =>
    events.filter((e) => e.event === "task.commented" && e.comment?.id === comment).length;
  let lost = 0,
    duplicated = 0;
  for (const { op, id } of outcomes) {
    if (id === undefined) continue;
    const n = op.kind === "comment" ? commented(id) : created(id);
    lost += n === 0 ? 1 : 0;
    duplicated += Math.max(0, n - 1);
  }
  const missed: DowntimeChange[] = [];
  for (const change of changes) {
    const n =
      change.comment !== undefined
        ? commented(change.comment)
        : events.filter((e) => e.event === change.event && e.task.id === change.task).length;
    if (n === 0) missed.push(change);
    duplicated += Math.max(0, n - 1);
  }
  return { lost, duplicated, missed };
}
