/**
 * Chaos figures, bad input: the seeded fuzzer over every OpenAPI route (test/support/fuzz.ts),
 * more requests than the CI test sends. Counts answers >= 500 and GitHub writes made for
 * requests the API refused (both must be 0).
 */
import { fuzz } from "../../test/support/fuzz.js";
import { startStack } from "../../test/support/stack.js";

export async function fuzzFigures(requests = 2000, seed = 15) {
  const stack = await startStack({
    env: { BATON_RATE_LIMIT_PER_MINUTE: "1000000", BATON_ANON_RATE_LIMIT_PER_MINUTE: "1000000" },
  });
  try {
    const agent = await stack.createAgent("fuzzer", "admin");
    for (const content of ["Fuzz target one", "Fuzz target two"])
      await stack.api(agent, "POST", "/v1/tasks", { content });
    const figures = await fuzz(stack, { agentKey: agent, requests, seed });
    const stacks = stack.baton.logs.filter((line) => line.includes('"stack"')).length;
    return {
      fuzz_requests: figures.fuzz_requests,
      fuzz_5xx: figures.fuzz_5xx,
      github_writes_for_rejected: figures.github_writes_for_rejected,
      fuzz_routes: figures.routes,
      fuzz_stack_traces_logged: stacks,
      fuzz_findings: figures.findings.slice(0, 5),
    };
  } finally {
    await stack.stop();
  }
}
