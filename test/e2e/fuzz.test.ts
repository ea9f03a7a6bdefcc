import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzz, listOperations } from "../support/fuzz.js";
import { startStack, type Stack } from "../support/stack.js";

// Every route of the OpenAPI document, fuzzed (seeded, bounded for CI): no answer >= 500, every
// error in the envelope, and nothing written to GitHub for a refused request (#15).
let stack: Stack;
let agent: string;

beforeAll(async () => {
  stack = await startStack({
    env: { BATON_RATE_LIMIT_PER_MINUTE: "100000", BATON_ANON_RATE_LIMIT_PER_MINUTE: "100000" },
  });
  agent = await stack.createAgent("fuzzer", "admin");
  // Something to find at the low ids the fuzzer tries.
  for (const content of ["Fuzz target one", "Fuzz target two"])
    await stack.api(agent, "POST", "/v1/tasks", { content });
});
afterAll(async () => {
  await stack?.stop();
});

describe("fuzzing every OpenAPI route", () => {
  it("covers every route the document lists", async () => {
    expect((await listOperations(stack)).length).toBeGreaterThanOrEqual(35);
  });

  it("answers 300 seeded requests with no 5xx and no write for a refused one", async () => {
    const figures = await fuzz(stack, { agentKey: agent, requests: 300, seed: 15 });
    expect(figures.findings).toEqual([]);
    // It reached the handlers too, not only the parsers: some requests succeeded.
    expect(Object.keys(figures.statuses).some((status) => status.startsWith("2"))).toBe(true);
    expect(figures.fuzz_5xx).toBe(0);
    expect(figures.github_writes_for_rejected).toBe(0);
  });
});
