/**
 * Chaos figures, a slow GitHub: every issue create takes `slowMs` on GitHub's side (deadline
 * BATON_GITHUB_TIMEOUT_S), while other agents create tasks and comment on other issues at the same
 * time. `max_answer_s` is the slowest answer of all (target: the deadline + 1 s);
 * `max_other_answer_s` the slowest answer of the requests GitHub did not slow down.
 */
import { startStack } from "../../test/support/stack.js";

const seconds = (ms: number) => Math.round(ms / 10) / 100;

export async function slowGithubFigures(
  options = { deadlineS: 3, slowMs: 20_000, slowCreates: 10 },
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
    const targets = await Promise.all(
      [1, 2, 3].map((n) =>
        stack.api(other, "POST", "/v1/tasks", { content: `Comment target ${n}` }),
      ),
    );
    stack.double.injectFault({
      route: "POST /repos/{owner}/{repo}/issues",
      kind: "latency",
      latencyMs: options.slowMs,
      times: options.slowCreates,
    });
    const timed = async (call: () => Promise<{ status: number }>) => {
      const started = performance.now();
      const res = await call();
      return { ms: performance.now() - started, status: res.status };
    };
    const slowCalls = Array.from({ length: options.slowCreates }, (_, i) =>
      timed(() => stack.api(slow, "POST", "/v1/tasks", { content: `Slow create ${i}` })),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const otherCalls = targets.flatMap((target, i) => [
      timed(() =>
        stack.api(other, "POST", `/v1/tasks/${target.json.id}/comments`, { content: `Hi ${i}` }),
      ),
      timed(() => stack.api(other, "PATCH", `/v1/tasks/${target.json.id}`, { priority: 3 })),
    ]);
    const slowAnswers = await Promise.all(slowCalls);
    const otherAnswers = await Promise.all(otherCalls);
    const all = [...slowAnswers, ...otherAnswers];
    return {
      github_deadline_s: options.deadlineS,
      github_slow_answer_s: options.slowMs / 1000,
      max_answer_s: seconds(Math.max(...all.map((a) => a.ms))),
      max_other_answer_s: seconds(Math.max(...otherAnswers.map((a) => a.ms))),
      slow_answers_5xx: slowAnswers.filter((a) => a.status >= 500).length,
      slow_answers_non_503: slowAnswers.filter((a) => a.status >= 500 && a.status !== 503).length,
      other_answers_failed: otherAnswers.filter((a) => a.status >= 400).length,
    };
  } finally {
    await stack.stop();
  }
}
