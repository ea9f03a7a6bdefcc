/**
 * The `with_github_latency` block of `npm run bench:facade` (issue #20): reads against a GitHub
 * that takes 100 ms per request, as github.com does, answered from Baton's task mirror.
 * 10,000 open tasks are made on the double directly (as the App, Baton's own issue format), so
 * Baton learns them the way it learns any change: from GitHub's webhooks.
 */
import { rateLimitedSince } from "../test/support/assertions.js";
import { startStack, type Stack } from "../test/support/stack.js";
import { pathToFileURL } from "node:url";
import { round, rssMb, summary, timed } from "./stats.js";

const LATENCY_MS = 100;
const OPEN_TASKS = Number(process.env.BENCH_OPEN_TASKS ?? 10_000);
const log = (message: string) => process.stderr.write(`${message}\n`);

export async function githubLatencyFigures(env: Record<string, string>) {
  const stack = await startStack({ env });
  try {
    const worker = await stack.createAgent("bench-worker", "admin");
    const template = await issueTemplate(stack, worker);
    await seed(stack, template, 100);
    const slow = () =>
      stack.double.injectFault({ kind: "latency", latencyMs: LATENCY_MS, times: 1e9 });
    const fast = () => stack.double.clearFaults();

    slow();
    const list100 = await samples(20, () => stack.api(worker, "GET", "/v1/tasks?limit=100"));
    fast();
    log(`seeding ${OPEN_TASKS} open tasks on the double…`);
    await seed(stack, template, OPEN_TASKS - 101);
    const tree = await delegationTree(stack, worker);
    slow();
    const ids = [...stack.double.state.issues.keys()];
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    let mark = stack.double.requests.length;
    const get = await samples(100, () => stack.api(worker, "GET", `/v1/tasks/${pick()}`));
    const getRequests = rateLimitedSince(stack.double, mark).length / 100;
    mark = stack.double.requests.length;
    const list10k = await samples(20, () => stack.api(worker, "GET", "/v1/tasks?limit=100"));
    const listRequests = rateLimitedSince(stack.double, mark).length / 20;
    const chains = await chainFigures(stack, worker, tree);
    // Each create through Baton is paired with the same write made directly (one GitHub round
    // trip, the double's own work included), so both see the same machine.
    const create: number[] = [];
    const roundTrip: number[] = [];
    for (let n = 0; n < 30; n++) {
      const [api, res] = await timed(() =>
        stack.api(worker, "POST", "/v1/tasks", {
          content: `Measure the create path under latency, sample ${n}`,
        }),
      );
      if (res.status !== 201) throw new Error(`create answered ${res.status}`);
      create.push(api);
      roundTrip.push((await timed(() => createOnDouble(stack, template)))[0]);
    }
    await stack.double.waitForWebhooksIdle();
    const freshness = await freshnessSeconds(stack, worker, ids.slice(0, 10));
    return {
      latency_ms: LATENCY_MS,
      open_tasks: stack.double.state.issues.size,
      get: summary(get),
      list_100: { p50: summary(list100).p50 },
      list_100_at_10000: { p50: summary(list10k).p50 },
      chain: chains.chain,
      children: chains.children,
      create: {
        p50: summary(create).p50,
        github_round_trip_p50: summary(roundTrip).p50,
        added_p50: summary(create.map((ms, i) => ms - roundTrip[i]!)).p50,
      },
      github_requests: { get: getRequests, list_100: listRequests, ...chains.requests },
      freshness_s: freshness,
      rss_mb: round(rssMb(stack.baton.child.pid!), 1),
      targets: { get_p50_ms: 5, list_100_at_10000_p50_ms: 20, create_p50_ms: "round trip + 10" },
    };
  } finally {
    await stack.stop();
  }
}

/**
 * A delegation tree made through the API (the root, 3 children, 2 under each, 1 under each of
 * those: 16 tasks, 4 levels), while GitHub is fast.
 */
async function delegationTree(stack: Stack, key: string) {
  const create = async (path: string, content: string) => {
    const res = await stack.api(key, "POST", path, { content, allow_duplicate: true });
    if (res.status !== 201) throw new Error(`${path} answered ${res.status}`);
    return res.json.id as number;
  };
  const root = await create("/v1/tasks", "Bench chain: the root");
  let level = [root];
  let leaf = root;
  for (const [depth, fanout] of [3, 2, 1].entries()) {
    const next: number[] = [];
    for (const parent of level)
      for (let i = 0; i < fanout; i++)
        next.push(
          (leaf = await create(`/v1/tasks/${parent}/delegate`, `Bench chain: ${depth + 1}.${i}`)),
        );
    level = next;
  }
  await stack.double.waitForWebhooksIdle();
  return { root, leaf };
}

/** The chain read from a leaf and the root's children, with the GitHub requests each costs. */
async function chainFigures(stack: Stack, key: string, tree: { root: number; leaf: number }) {
  let mark = stack.double.requests.length;
  const chain = await samples(50, () => stack.api(key, "GET", `/v1/tasks/${tree.leaf}/chain`));
  const chainRequests = (stack.double.requests.length - mark) / 50;
  mark = stack.double.requests.length;
  const children = await samples(50, () =>
    stack.api(key, "GET", `/v1/tasks/${tree.root}/children`),
  );
  const childrenRequests = (stack.double.requests.length - mark) / 50;
  return {
    chain: { tasks: 16, ...summary(chain) },
    children: { p50: summary(children).p50 },
    requests: { chain: chainRequests, children: childrenRequests },
  };
}

async function samples(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push((await timed(fn))[0]);
  return times;
}

interface Template {
  body: string;
  labels: string[];
}

/** The body and labels Baton gives a task, read back from one it created. */
async function issueTemplate(stack: Stack, key: string): Promise<Template> {
  const res = await stack.api(key, "POST", "/v1/tasks", { content: "Template task" });
  const issue = stack.double.state.issues.get(res.json.id)!;
  return {
    body: issue.body ?? "",
    labels: issue.labelIds.map((id) => stack.double.state.labels.get(id)!.name),
  };
}

/** Tasks made on the double as the App; Baton hears of each through its webhook. */
async function seed(stack: Stack, template: Template, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await createOnDouble(stack, template);
  await stack.double.waitForWebhooksIdle();
}

/** One task issue made on the double directly, as the App. */
async function createOnDouble(stack: Stack, template: Template): Promise<void> {
  const url = `${stack.double.url}/api/v3/repos/${stack.env.BATON_REPO}/issues`;
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: "token ghs_bench", "content-type": "application/json" },
    body: JSON.stringify({ title: `Seeded task ${stack.double.state.issues.size}`, ...template }),
  });
  if (res.status !== 201) throw new Error(`seeding answered ${res.status}`);
  await res.arrayBuffer();
}

/**
 * Seconds from a person's change on github.com (a priority label) until Baton's reads show it:
 * the webhook's way into the mirror.
 */
async function freshnessSeconds(stack: Stack, key: string, ids: number[]) {
  const seconds: number[] = [];
  for (const id of ids) {
    const issue = stack.double.state.issues.get(id)!;
    const labels = issue.labelIds
      .map((labelId) => stack.double.state.labels.get(labelId)!.name)
      .filter((name) => !name.startsWith("priority:"));
    const started = performance.now();
    const res = await fetch(
      `${stack.double.url}/api/v3/repos/${stack.env.BATON_REPO}/issues/${id}/labels`,
      {
        method: "PUT",
        headers: { authorization: "token user:alice", "content-type": "application/json" },
        body: JSON.stringify({ labels: [...labels, "priority:urgent"] }),
      },
    );
    if (res.status !== 200) throw new Error(`labelling answered ${res.status}`);
    for (;;) {
      const task = await stack.api(key, "GET", `/v1/tasks/${id}`);
      if (task.json.priority === 4) break;
      if (performance.now() - started > 30_000) throw new Error(`#${id} never showed the change`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    seconds.push((performance.now() - started) / 1000);
  }
  return { p50: round(summary(seconds).p50, 3), max: round(Math.max(...seconds), 3) };
}

// Alone: `tsx bench/github-latency.ts` prints just this block.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const env = { BATON_RATE_LIMIT_PER_MINUTE: "1000000", LOG_LEVEL: "error" };
  console.log(JSON.stringify(await githubLatencyFigures({ ...env, BATON_EMBEDDINGS: "lexical" })));
}
