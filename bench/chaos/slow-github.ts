/**
 * Chaos figures, a slow GitHub (deadline BATON_GITHUB_TIMEOUT_S, one budget for all the GitHub
 * calls of a request):
 * - every issue create takes `slowMs` on GitHub's side, while other agents create tasks and comment
 *   on other issues at the same time; the creates' answers are lost at the deadline and found again
 *   by their nonce;
 * - then GitHub's issue list (the nonce lookup) is slow too: the lookup cannot add its own wait to
 *   the create's, so those creates answer the timeout (503) at the deadline, and their keyed
 *   retries find the one issue each made.
 * `max_answer_s` is the slowest answer of all (target: the deadline + 1 s); `max_other_answer_s`
 * the slowest answer of the requests GitHub did not slow down.
 */
import { randomUUID } from "node:crypto";
import { startStack, type Stack } from "../../test/support/stack.js";

const seconds = (ms: number) => Math.round(ms / 10) / 100;

interface Timed {
  ms: number;
  status: number;
  id?: number;
}

const timed = async (call: () => Promise<{ status: number; json: { id?: number } }>) => {
  const started = performance.now();
  const res = await call();
  return { ms: performance.now() - started, status: res.status, id: res.json?.id } as Timed;
};

const slowCreate = (latencyMs: number, times: number) => ({
  route: "POST /repos/{owner}/{repo}/issues",
  kind: "latency" as const,
  latencyMs,
  times,
});

/** Slow creates beside other agents' quick writes. */
async function slowCreates(stack: Stack, slow: string, other: string, slowMs: number, n: number) {
  const targets = await Promise.all(
    [1, 2, 3].map((i) => stack.api(other, "POST", "/v1/tasks", { content: `Comment target ${i}` })),
  );
  stack.double.injectFault(slowCreate(slowMs, n));
  const slowCalls = Array.from({ length: n }, (_, i) =>
    timed(() => stack.api(slow, "POST", "/v1/tasks", { content: `Slow create ${i}` })),
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  const otherCalls = targets.flatMap((target, i) => [
    timed(() =>
      stack.api(other, "POST", `/v1/tasks/${target.json.id}/comments`, { content: `Hi ${i}` }),
    ),
    timed(() => stack.api(other, "PATCH", `/v1/tasks/${target.json.id}`, { priority: 3 })),
  ]);
  return { slow: await Promise.all(slowCalls), other: await Promise.all(otherCalls) };
}

/** Slow creates whose nonce lookup is slow too; keyed, then retried once GitHub is quick again. */
async function slowLookups(
  stack: Stack,
  slow: string,
  slowMs: number,
  lookupMs: number,
  n: number,
) {
  stack.double.clearFaults();
  stack.double.injectFault(slowCreate(slowMs, n));
  stack.double.injectFault({
    method: "GET",
    route: "GET /repos/{owner}/{repo}/issues",
    kind: "latency",
    latencyMs: lookupMs,
    times: 4 * n,
  });
  const tags = Array.from({ length: n }, (_, i) => `Slow lookup ${i} ${randomUUID()}`);
  const keys = tags.map(() => randomUUID());
  const create = (i: number) =>
    stack.api(slow, "POST", "/v1/tasks", { content: tags[i] }, { "idempotency-key": keys[i]! });
  const answers = await Promise.all(tags.map((_, i) => timed(() => create(i))));
  stack.double.clearFaults();
  const retries = await Promise.all(tags.map((_, i) => timed(() => create(i))));
  const issues = [...stack.double.state.issues.values()];
  const made = tags.map((tag) => issues.filter((issue) => issue.title === tag));
  return {
    answers,
    resolved: retries.filter((r, i) => r.status === 201 && r.id === made[i]![0]?.number).length,
    duplicates: made.reduce((sum, found) => sum + Math.max(0, found.length - 1), 0),
  };
}

export async function slowGithubFigures(
  options = { deadlineS: 3, slowMs: 20_000, slowCreates: 10, lookupMs: 2_000, slowLookups: 5 },
) {
  const stack = await startStack({
    env: {
      BATON_GITHUB_TIMEOUT_S: String(options.deadlineS),
      BATON_RATE_LIMIT_PER_MINUTE: "100000",
    },
  });
  try {
    const [slow, other] = await Promise.all([
      stack.createAgent("slow"),
      stack.createAgent("other"),
    ]);
    const a = await slowCreates(stack, slow, other, options.slowMs, options.slowCreates);
    const b = await slowLookups(stack, slow, options.slowMs, options.lookupMs, options.slowLookups);
    const slowAnswers = [...a.slow, ...b.answers];
    const all = [...slowAnswers, ...a.other];
    return {
      github_deadline_s: options.deadlineS,
      github_slow_answer_s: options.slowMs / 1000,
      github_slow_lookup_s: options.lookupMs / 1000,
      max_answer_s: seconds(Math.max(...all.map((r) => r.ms))),
      max_other_answer_s: seconds(Math.max(...a.other.map((r) => r.ms))),
      slow_answers_5xx: slowAnswers.filter((r) => r.status >= 500).length,
      slow_answers_non_503: slowAnswers.filter((r) => r.status >= 500 && r.status !== 503).length,
      other_answers_failed: a.other.filter((r) => r.status >= 400).length,
      slow_lookup_retries_resolved: `${b.resolved} of ${options.slowLookups}`,
      slow_lookup_duplicate_issues: b.duplicates,
    };
  } finally {
    await stack.stop();
  }
}
