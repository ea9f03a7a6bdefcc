import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FleetAttention as Attention } from "../../src/sdk/index.js";
import { eventually } from "../support/assertions.js";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack;
let monitor: string;
let infra: string;
let dns: string;
let lead: string;

beforeAll(async () => {
  // Short leases and a fast sweep so an abandoned claim happens inside the test.
  stack = await startStack({ env: { BATON_LEASE_MIN_S: "1", BATON_LEASE_SWEEP_MS: "200" } });
  [monitor, infra, dns, lead] = await Promise.all([
    stack.createAgent("monitor"),
    stack.createAgent("infra"),
    stack.createAgent("dns"),
    stack.createAgent("lead", "coordinator"),
  ]);
});
afterAll(async () => {
  await stack?.stop();
});

const newTask = async (content: string, extra: Record<string, unknown> = {}) => {
  const res = await stack.api(monitor, "POST", "/v1/tasks", {
    content,
    allow_duplicate: true,
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.json.id as number;
};
const ok = async (key: string, method: string, path: string, body?: unknown) => {
  const res = await stack.api(key, method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.json)}`).toBeLessThan(300);
  return res.json;
};
const bucketIds = (attention: Attention) =>
  Object.fromEntries(
    Object.entries(attention.buckets).map(([name, tasks]) => [name, tasks.map((t) => t.id)]),
  );

describe("GET /fleet/attention", () => {
  it("buckets the fleet's trouble from Baton's store, scoped like stats, with no GitHub request", async () => {
    const errored = await newTask("Renew the TLS certificate");
    await ok(infra, "POST", `/v1/tasks/${errored}/claim`, { lease_seconds: 600 });
    await ok(infra, "POST", `/v1/tasks/${errored}/state`, {
      state: "errored",
      detail: "certbot crashed",
    });
    const waiting = await newTask("Move the DNS zone", { assigned_to_agent_id: "infra" });
    await ok(infra, "POST", `/v1/tasks/${waiting}/claim`, { lease_seconds: 600 });
    await ok(infra, "POST", `/v1/tasks/${waiting}/state`, {
      state: "waiting_input",
      detail: "which registrar?",
    });
    // dns claims with a one-second lease and crashes: no heartbeat.
    const abandoned = await newTask("Rebuild the search index");
    await ok(dns, "POST", `/v1/tasks/${abandoned}/claim`, { lease_seconds: 1 });
    const overdue = await newTask("Renew the domain", { due_date: "2020-01-31", priority: 4 });
    const mine = await newTask("Check the resolvers", {
      due_date: "2020-02-01",
      assigned_to_agent_id: "dns",
    });
    // Completed and reopened twice: the work does not stick.
    const looping = await newTask("Fix the flaky deploy");
    for (let round = 0; round < 2; round++) {
      await ok(monitor, "POST", `/v1/tasks/${looping}/complete`);
      await ok(monitor, "POST", `/v1/tasks/${looping}/uncomplete`);
    }

    const read = async (key: string, prefix = "/v1") =>
      (await stack.api(key, "GET", `${prefix}/fleet/attention`)).json as Attention;
    const seen = await eventually(
      () => read(lead),
      (a) => a.buckets.abandoned_claims.some((t) => t.id === abandoned),
    );
    expect(bucketIds(seen)).toEqual({
      abandoned_claims: [abandoned],
      silent_holders: [],
      errored: [errored],
      waiting_input: [waiting],
      overdue: [overdue, mine],
      looping: [looping],
    });
    expect(seen.count).toBe(6);
    expect(seen.buckets.errored[0]).toMatchObject({
      claimed_by_agent_id: "infra",
      session_state_detail: "certbot crashed",
    });
    expect(seen.buckets.abandoned_claims[0]).toMatchObject({
      claimed_by_agent_id: null,
      handoff_by_agent_id: "dns",
    });

    // The lease keeper shows the release on GitHub in the background (one write, after the store
    // has released it): wait for it, so the window below holds the read's requests only.
    const inProgress = [...stack.double.state.labels.values()].find(
      (label) => label.name === "status:in-progress",
    )?.id;
    await eventually(
      async () => stack.double.state.issues.get(abandoned)!.labelIds,
      (ids) => inProgress === undefined || !ids.includes(inProgress),
    );
    // Answered from the store: not one GitHub request, on /api as on /v1.
    const mark = stack.double.requests.length;
    expect(bucketIds(await read(lead, "/api"))).toEqual(bucketIds(seen));
    expect(stack.double.requests.slice(mark)).toEqual([]);

    // A worker sees its own involvement and open work nobody is assigned: all but infra's task.
    const forDns = await read(dns);
    expect(forDns.count).toBe(5);
    expect(bucketIds(forDns)).toMatchObject({
      overdue: [overdue, mine],
      abandoned_claims: [abandoned],
      waiting_input: [],
    });

    // Claimed again and completed: it needs no more attention.
    await ok(infra, "POST", `/v1/tasks/${abandoned}/claim`);
    await ok(infra, "POST", `/v1/tasks/${abandoned}/complete`);
    expect(bucketIds(await read(lead)).abandoned_claims).toEqual([]);

    const bad = await stack.api(lead, "GET", "/v1/fleet/attention?limit=0");
    expect(bad.json).toMatchObject({ status: 422, code: "validation_failed" });
  });
});
