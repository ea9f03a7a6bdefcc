import { describe, expect, it } from "vitest";
import { isSilent, triage, type AttentionFacts } from "../../src/tasks/fleet-attention.js";
import { emptyClaim, NO_CLAIM, type ClaimRow } from "../../src/tasks/lease-rules.js";
import type { Task } from "../../src/tasks/task-schema.js";
import { NO_DEPENDENCIES } from "../../src/tasks/task-view.js";

const NOW = Date.parse("2026-11-25T12:00:00.000Z");
const at = (msAgo: number) => new Date(NOW - msAgo).toISOString();

const task = (id: number, over: Partial<Task> = {}): Task => ({
  id,
  content: `task ${id}`,
  description: null,
  priority: 2,
  labels: [],
  project_id: null,
  project: null,
  due_date: null,
  due_time: null,
  status: "open",
  completed: false,
  completed_at: null,
  created_at: at(86_400_000),
  updated_at: at(0),
  created_by_agent_id: "monitor",
  assigned_to_agent_id: null,
  completed_by_agent_id: null,
  created_by_agent: null,
  assigned_to_agent: null,
  completed_by_agent: null,
  parent_task_id: null,
  root_task_id: id,
  delegation_depth: 0,
  context: {},
  context_version: 0,
  subtasks: [],
  links: [],
  url: `https://github.com/acme/tasks/issues/${id}`,
  ...NO_CLAIM,
  ...NO_DEPENDENCIES,
  ...over,
});

/** A claim held by `agent`, last heartbeat `beatAgo` ms ago, lease `leaseMs` long from then. */
const held = (
  taskId: number,
  agent: string,
  beatAgo: number,
  leaseMs: number,
  over: Partial<ClaimRow> = {},
): ClaimRow => ({
  ...emptyClaim(taskId),
  agent_id: agent,
  token: 1,
  lease_expires_at: NOW - beatAgo + leaseMs,
  claimed_at: at(beatAgo),
  heartbeat_at: at(beatAgo),
  session_state: "working",
  version: 1,
  shown_version: 1,
  ...over,
});

function facts(): AttentionFacts {
  const rows = [
    held(1, "infra", 10_000, 300_000), // fresh
    held(2, "infra", 200_000, 300_000), // silent: 200 s of a 300 s lease
    held(3, "dns", 5_000, 300_000, { session_state: "errored", session_state_detail: "OOM" }),
    held(4, "infra", 5_000, 300_000, { session_state: "waiting_input" }),
    held(5, "dns", 400_000, 300_000), // ended, not swept yet
  ];
  const abandoned = {
    ...held(6, "infra", 900_000, 300_000),
    agent_id: null,
    lease_expires_at: null,
    handoff_by_agent_id: "infra",
    release_reason: "lease_expired" as const,
  };
  const claims = new Map([...rows, abandoned].map((row) => [row.task_id, row]));
  const tasks = [
    task(1),
    task(2, { priority: 1 }),
    task(3, { created_by_agent_id: "lead" }),
    task(4),
    task(5),
    task(6),
    task(7, { due_date: "2026-11-20", priority: 4 }),
    task(8, { status: "failed", assigned_to_agent_id: "dns" }),
    task(9, { created_by_agent_id: "dns" }),
  ];
  return {
    now: NOW,
    held: rows,
    abandoned: [abandoned],
    overdue: [7],
    failed: [8],
    looping: [9, 2],
    // Task 10 is flagged but closed (not in the index's open tasks): never shown.
    tasks: new Map(tasks.map((t) => [t.id, t])),
    claimOf: (id) => claims.get(id),
  };
}

const ids = (list: Task[]) => list.map((t) => t.id);

describe("fleet attention", () => {
  it("sorts the fleet into the hosted buckets, highest priority first", () => {
    const result = triage({ id: "lead", role: "coordinator" }, facts(), 50);
    expect(Object.fromEntries(Object.entries(result.buckets).map(([k, v]) => [k, ids(v)])))
      .toMatchInlineSnapshot(`
        {
          "abandoned_claims": [
            5,
            6,
          ],
          "errored": [
            3,
            8,
          ],
          "looping": [
            9,
            2,
          ],
          "overdue": [
            7,
          ],
          "silent_holders": [
            2,
          ],
          "waiting_input": [
            4,
          ],
        }
      `);
    expect(result.count).toBe(8);
    // The claim as it is now, not as the index last saw the task.
    expect(result.buckets.errored[0]).toMatchObject({
      claimed_by_agent_id: "dns",
      session_state: "errored",
      session_state_detail: "OOM",
    });
    // An ended lease reads as released, and says who left it.
    expect(result.buckets.abandoned_claims[0]).toMatchObject({
      claimed_by_agent_id: null,
      handoff_by_agent_id: "dns",
    });
  });

  it("is scoped like stats: a worker sees what it created, holds or is assigned, and open work", () => {
    const given = facts();
    // Given to infra: no longer open work for any worker.
    for (const id of [1, 2, 4, 6, 7])
      given.tasks.set(id, { ...given.tasks.get(id)!, assigned_to_agent_id: "infra" });
    const dns = triage({ id: "dns", role: "worker" }, given, 50);
    expect(dns.count).toBe(4);
    expect(ids(dns.buckets.errored)).toEqual([3, 8]);
    expect(ids(dns.buckets.looping)).toEqual([9]);
    expect(dns.buckets.silent_holders).toEqual([]);
    // Its own ended lease: released, no longer its task, but open and unassigned: anyone's work.
    expect(ids(dns.buckets.abandoned_claims)).toEqual([5]);
  });

  it("limits each bucket but counts them all", () => {
    const result = triage({ id: "admin", role: "admin" }, facts(), 1);
    expect(result.buckets.abandoned_claims).toHaveLength(1);
    expect(result.count).toBe(8);
  });

  it("a holder is silent once more than half its lease passed without a heartbeat", () => {
    expect(isSilent(held(1, "a", 149_000, 300_000), NOW)).toBe(false);
    expect(isSilent(held(1, "a", 151_000, 300_000), NOW)).toBe(true);
    expect(isSilent(held(1, "a", 301_000, 300_000), NOW)).toBe(false);
  });
});
