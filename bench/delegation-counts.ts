/**
 * GitHub requests per delegation operation, counted on the GitHub double (DESIGN §8 budget:
 * delegate 1–2; a chain read in as few GraphQL requests as GitHub allows). `measureDelegation` is
 * called by `bench/facade.ts`; run alone (`tsx bench/delegation-counts.ts`) it starts its own
 * stack and prints one JSON object as its last line.
 */
import { pathToFileURL } from "node:url";
import { isWrite } from "../test/support/assertions.js";
import type { RequestLogEntry } from "../test/support/github-double/index.js";
import { startStack, type Stack } from "../test/support/stack.js";

export interface DelegationCounts {
  /** GitHub requests of one `POST /tasks/{id}/delegate` (warm caches), webhooks not counted. */
  delegate: number;
  /** …of which count against the rate limit (the parent's conditional read is a free 304). */
  delegate_rate_limited: number;
  /** …of which GraphQL (createIssue with parentIssueId: create + link). */
  delegate_graphql: number;
  /** …of which writes (the GraphQL create and the parent's `status:delegated` label). */
  delegate_writes: number;
  /** Requests the App makes handling that delegation's webhooks (conditional reads, mostly 304). */
  delegate_webhook_followups: number;
  /** …of those, how many count against the rate limit. */
  delegate_webhook_followups_rate_limited: number;
  chain_tasks: number;
  chain_depth: number;
  /**
   * GraphQL requests of one `GET /tasks/{id}/chain` on the 50-task tree (from a leaf): 0 once the
   * task mirror is filled (issue #20); GitHub's path is counted in chain-service.test.ts.
   */
  chain_50_graphql_requests: number;
  /** All GitHub requests of that chain read (the task read is a conditional GET). */
  chain_50_requests: number;
  /** GitHub requests of one `GET /tasks/{id}/children`, first and repeated (304). */
  children_requests: number;
  children_requests_repeated_rate_limited: number;
}

const graphql = (entries: RequestLogEntry[]) => entries.filter((r) => r.graphqlOperation);
const writes = (entries: RequestLogEntry[]) => entries.filter(isWrite);

export async function measureDelegation(stack: Stack): Promise<DelegationCounts> {
  const suffix = Date.now().toString(36);
  const key = await stack.createAgent(`bench-chain-${suffix}`, "admin");
  const worker = `bench-worker-${suffix}`;
  await stack.createAgent(worker);
  const hook = `${stack.baton.url}/api/github/webhooks`;
  // The chain repeats similar texts on purpose: skip the dedup check (it costs no GitHub request).
  const call = async (method: string, path: string, body?: Record<string, unknown>) => {
    const res = await stack.api(key, method, path, body && { allow_duplicate: true, ...body });
    if (res.status >= 300)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.json as { id: number };
  };
  const since = async <T>(fn: () => Promise<T>) => {
    const from = stack.double.requests.length;
    const value = await fn();
    return { value, requests: stack.double.requests.slice(from) };
  };

  // Warm-up: labels, the repository's node id, the agent's label.
  const root = await call("POST", "/v1/tasks", { content: "Bench: chain root" });
  await call("POST", `/v1/tasks/${root.id}/delegate`, {
    content: "warm-up",
    assigned_to_agent_id: worker,
  });
  await stack.double.waitForWebhooksIdle();

  // One delegation, the API call's own requests (webhooks held back).
  const { json: parent } = await stack.api(key, "POST", "/v1/tasks", {
    content: "Bench: parent",
    allow_duplicate: true,
  });
  await stack.double.waitForWebhooksIdle();
  stack.double.setWebhookUrl(undefined);
  const own = await since(() =>
    call("POST", `/v1/tasks/${parent.id}/delegate`, {
      content: "Bench: child",
      assigned_to_agent_id: worker,
    }),
  );
  stack.double.setWebhookUrl(hook);

  // The same with webhooks on: what handling them costs afterwards.
  const { json: other } = await stack.api(key, "POST", "/v1/tasks", {
    content: "Bench: parent 2",
    allow_duplicate: true,
  });
  await stack.double.waitForWebhooksIdle();
  const withHooks = await since(async () => {
    await call("POST", `/v1/tasks/${other.id}/delegate`, {
      content: "Bench: child 2",
      assigned_to_agent_id: worker,
    });
    await stack.double.waitForWebhooksIdle();
  });
  const followups = withHooks.requests.slice(own.requests.length);

  // A 50-task tree, 6 levels (depth 0–5): the root, 4 children (one the warm-up), 6, 12, 12, 15.
  const fanout = [3, 2, 2, 1, 1];
  let level = [root.id];
  let total = 2; // the root and the warm-up child
  let leaf = root.id;
  for (const [depth, perParent] of fanout.entries()) {
    const next: number[] = [];
    for (const id of level) {
      const count = depth === 4 ? (next.length < 6 ? 2 : 1) : perParent;
      for (let i = 0; i < count && total < 50; i++) {
        const child = await call("POST", `/v1/tasks/${id}/delegate`, {
          content: `Bench: depth ${depth + 1} under #${id}`,
        });
        next.push(child.id);
        total++;
        leaf = child.id;
      }
    }
    level = next;
  }
  await stack.double.waitForWebhooksIdle();
  const chainRead = await since(() => call("GET", `/v1/tasks/${leaf}/chain`));
  const chain = chainRead.value as unknown as { total_count: number; depth: number };

  const first = await since(() => call("GET", `/v1/tasks/${root.id}/children`));
  const again = await since(() => call("GET", `/v1/tasks/${root.id}/children`));

  return {
    delegate: own.requests.length,
    delegate_rate_limited: own.requests.filter((r) => r.rateLimited).length,
    delegate_graphql: graphql(own.requests).length,
    delegate_writes: writes(own.requests).length,
    delegate_webhook_followups: followups.length,
    delegate_webhook_followups_rate_limited: followups.filter((r) => r.rateLimited).length,
    chain_tasks: chain.total_count,
    chain_depth: chain.depth,
    chain_50_graphql_requests: graphql(chainRead.requests).length,
    chain_50_requests: chainRead.requests.length,
    children_requests: first.requests.length,
    children_requests_repeated_rate_limited: again.requests.filter((r) => r.rateLimited).length,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const stack = await startStack();
  try {
    console.log(JSON.stringify(await measureDelegation(stack)));
  } finally {
    await stack.stop();
  }
}
