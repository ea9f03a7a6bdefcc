/**
 * `npm run bench:action`: the companion Action's bundled `dist/index.js`, run as the runner runs a
 * step (a subprocess), in token mode against the GitHub double and in REST mode against the real
 * server. Prints progress to stderr and, as its last stdout line, one JSON object: GitHub requests
 * per operation (rate-limited ones and writes), the step's wall time and the bundle's size.
 */
import { statSync } from "node:fs";
import { rateLimitedSince, writesSince } from "../test/support/assertions.js";
import { startGitHubDouble, type GitHubDouble } from "../test/support/github-double/index.js";
import { startStack } from "../test/support/stack.js";
import { DIST, runAction, runnerEnv, type ActionRun } from "../action/test/support/run-action.js";
import { summary, timed } from "./stats.js";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 10);
const log = (message: string) => process.stderr.write(`${message}\n`);

type Step = (inputs: Record<string, string>) => Promise<ActionRun>;

async function counted(double: GitHubDouble, step: Step, inputs: Record<string, string>) {
  const from = double.requests.length;
  const run = await step(inputs);
  if (run.code !== 0) throw new Error(`step failed: ${run.stdout}${run.stderr}`);
  return {
    run,
    requests: {
      rate_limited: rateLimitedSince(double, from).length,
      writes: writesSince(double, from).length,
    },
  };
}

async function operations(double: GitHubDouble, step: Step) {
  const out: Record<string, { rate_limited: number; writes: number }> = {};
  const first = await counted(double, step, { operation: "create", content: "Bench cold" });
  out.create_first = first.requests;
  const create = await counted(double, step, { operation: "create", content: "Bench warm" });
  out.create = create.requests;
  const id = create.run.outputs["task-id"]!;
  out.create_duplicate = (
    await counted(double, step, { operation: "create", content: "bench WARM" })
  ).requests;
  out.get = (await counted(double, step, { operation: "get", "task-id": id })).requests;
  out.comment = (
    await counted(double, step, { operation: "comment", "task-id": id, comment: "note" })
  ).requests;
  out.update = (
    await counted(double, step, { operation: "update", "task-id": id, priority: "high" })
  ).requests;
  out.complete = (await counted(double, step, { operation: "complete", "task-id": id })).requests;
  out.reopen = (await counted(double, step, { operation: "reopen", "task-id": id })).requests;
  out.delegate = (
    await counted(double, step, { operation: "delegate", "task-id": id, content: "Child" })
  ).requests;
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const [ms] = await timed(() => step({ operation: "get", "task-id": id }));
    times.push(ms);
  }
  return { github_requests: out, step_ms: summary(times) };
}

async function main() {
  log("token mode…");
  const double = await startGitHubDouble({ repo: "acme/tasks" });
  const github = { token: "ghs_bench", repository: "acme/tasks", apiUrl: `${double.url}/api/v3` };
  const token = await operations(double, (inputs) => runAction(runnerEnv(inputs, github)));
  await double.close();

  log("REST mode…");
  const stack = await startStack({ env: { LOG_LEVEL: "error" } });
  let rest;
  try {
    const key = await stack.createAgent("bench-action", "admin");
    const step: Step = (inputs) =>
      runAction(
        runnerEnv(
          { "baton-url": stack.baton.url, "agent-key": key, ...inputs },
          { ...github, apiUrl: "http://127.0.0.1:9/api/v3" },
        ),
      );
    rest = await operations(stack.double, step);
  } finally {
    await stack.stop();
  }

  console.log(
    JSON.stringify({
      bundle_bytes: statSync(DIST).size,
      samples: SAMPLES,
      token_mode: token,
      rest_mode: rest,
    }),
  );
}

await main();
