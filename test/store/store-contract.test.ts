import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyClaim, type ClaimRow } from "../../src/tasks/lease-rules.js";
import type { Db } from "../../src/store/database.js";
import { migrations } from "../../src/store/migrations.js";
import { SqliteAgentStore, type AgentRecord } from "../../src/store/agent-store.js";
import { SqliteBlockStore } from "../../src/store/block-store.js";
import { SqliteCatchUpStore } from "../../src/store/catch-up-store.js";
import { DedupStore } from "../../src/store/dedup-store.js";
import { SqliteIdempotencyStore } from "../../src/store/idempotency-store.js";
import { SqliteJournal } from "../../src/store/journal-store.js";
import { claimStoreFor, dependencyStoreFor, outboxStoreFor } from "../../src/store/open-store.js";
import { SqliteProjectOrderStore } from "../../src/store/project-store.js";
import { getOrCreateSetting } from "../../src/store/settings-store.js";
import { SqliteSubscriptionStore } from "../../src/store/subscription-store.js";
import { SqliteTaskIndex } from "../../src/store/task-index-store.js";
import type { Task } from "../../src/tasks/task-schema.js";
import { storeBackends, testDatabaseUrl, type Backend } from "./store-backends.js";

/**
 * One contract for every store, run on SQLite and on PostgreSQL: what a caller reads back after
 * each write is the same on both. (Cross-replica behaviour: replicas.test.ts and test/e2e.)
 */
const agent = (id: string, extra: Partial<AgentRecord> = {}): AgentRecord => ({
  id,
  name: id,
  display_name: null,
  description: null,
  role: "worker",
  active: true,
  key_prefix: `bk_${id}`,
  key_hash: `hash-${id}`,
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
  last_seen_at: null,
  project_ids: null,
  ...extra,
});

const task = (id: number, extra: Partial<Task> = {}): Task =>
  ({
    id,
    content: `Task ${id}`,
    description: null,
    priority: 2,
    labels: [],
    project_id: null,
    project: null,
    status: "open",
    completed: false,
    created_at: `2026-01-01T00:00:0${id % 10}.000Z`,
    updated_at: "2026-01-02T00:00:00.000Z",
    created_by_agent_id: "alice",
    assigned_to_agent_id: null,
    ...extra,
  }) as Task;

const claim = (taskId: number, extra: Partial<ClaimRow> = {}): ClaimRow => ({
  ...emptyClaim(taskId),
  agent_id: "alice",
  token: 1,
  lease_expires_at: 10_000,
  claimed_at: "2026-01-01T00:00:00.000Z",
  version: 1,
  ...extra,
});

if (!testDatabaseUrl)
  it.skip("PostgreSQL half of the store contract: SKIPPED, BATON_TEST_DATABASE_URL is not set", () => {});

describe.each(storeBackends())("store contract on $name", (backend: Backend) => {
  let db: Db;
  beforeAll(() => {
    db = backend.open();
  });
  afterAll(() => backend.dispose(db));

  it("applies every migration once", () => {
    const versions = db
      .prepare("SELECT version FROM schema_migrations ORDER BY version")
      .pluck()
      .all();
    expect(versions).toEqual(migrations.map((m) => m.version).sort((a, b) => a - b));
  });

  it("agents: insert, read by id and key hash, update, touch; the version moves with each change", () => {
    const store = new SqliteAgentStore(db);
    const versions = [store.version()];
    store.insert(agent("alice"));
    versions.push(store.version());
    store.insert(agent("bob", { role: "admin", created_at: "2026-01-01T00:00:01.000Z" }));
    versions.push(store.version());
    expect(store.get("alice")).toEqual(agent("alice"));
    expect(store.byKeyHash("hash-bob")?.role).toBe("admin");
    expect(store.get("nobody")).toBeUndefined();
    expect(store.update("alice", { active: false, description: "off" })).toMatchObject({
      active: false,
      description: "off",
    });
    versions.push(store.version());
    // Restricted to projects (a list), and back to every project (null).
    expect(store.update("bob", { project_ids: [12, 7] })?.project_ids).toEqual([12, 7]);
    expect(store.byKeyHash("hash-bob")?.project_ids).toEqual([12, 7]);
    versions.push(store.version());
    expect(store.update("bob", { project_ids: null })?.project_ids).toBeNull();
    versions.push(store.version());
    store.touch("bob", "2026-02-01T00:00:00.000Z");
    expect(store.version()).toBe(versions.at(-1)); // last seen is no change to cache
    expect(new Set(versions).size).toBe(6);
    expect(store.list().map((a) => [a.id, a.active, a.last_seen_at])).toEqual([
      ["alice", false, null],
      ["bob", true, "2026-02-01T00:00:00.000Z"],
    ]);
    expect(() => store.insert(agent("alice"))).toThrow();
  });

  it("settings: a value is created once and kept", () => {
    let made = 0;
    const create = () => `v${++made}`;
    expect(getOrCreateSetting(db, "contract", create)).toBe("v1");
    expect(getOrCreateSetting(db, "contract", create)).toBe("v1");
    expect(made).toBe(1);
  });

  it("idempotency: new, in flight, replay, mismatch, in doubt for another process, forget", () => {
    const store = new SqliteIdempotencyStore(db);
    expect(store.begin("alice", "k1", "f1")).toEqual({ kind: "new" });
    expect(store.begin("alice", "k1", "f1")).toEqual({ kind: "in_flight" });
    expect(store.begin("alice", "k1", "f2")).toEqual({ kind: "mismatch" });
    // Another process (or one restarted) finds the pending record: its outcome is unknown.
    expect(new SqliteIdempotencyStore(db).begin("alice", "k1", "f1")).toMatchObject({
      kind: "in_doubt",
    });
    store.finish("alice", "k1", 201, { id: 7, nested: { ok: true } });
    expect(store.begin("alice", "k1", "f1")).toEqual({
      kind: "replay",
      status: 201,
      body: { id: 7, nested: { ok: true } },
    });
    expect(store.begin("bob", "k1", "f1")).toEqual({ kind: "new" });
    store.forget("bob", "k1");
    expect(store.begin("bob", "k1", "f9")).toEqual({ kind: "new" });
    store.purgeOlderThan("2999-01-01T00:00:00.000Z");
    expect(store.begin("alice", "k1", "f1")).toEqual({ kind: "new" });
  });

  it("journal: ids grow; the write that left an issue at updated_at names its agent", () => {
    const journal = new SqliteJournal(db);
    const first = journal.record(5, "create", "alice");
    const second = journal.record(5, "claim", "bob");
    expect(second).toBeGreaterThan(first);
    expect(typeof first).toBe("number");
    journal.stamp(first, "2026-01-01T00:00:01Z");
    expect(journal.writerOf(5, "2026-01-01T00:00:01Z")).toBe("alice");
    // Not stamped yet: the write still in flight is the best guess.
    expect(journal.writerOf(5, "2026-01-01T00:00:09Z")).toBe("bob");
    journal.stamp(second, "2026-01-01T00:00:02Z");
    expect(journal.kindOf(5, "2026-01-01T00:00:02Z")).toBe("claim");
    expect(journal.lastWriter(5)).toBe("bob");
    expect(journal.lastWriter(6)).toBeUndefined();
    expect(journal.entries(5).map((e) => [e.kind, e.agent_id, e.updated_at])).toEqual([
      ["create", "alice", "2026-01-01T00:00:01Z"],
      ["claim", "bob", "2026-01-01T00:00:02Z"],
    ]);
  });

  it("metadata blocks: the last written wins over an older webhook; seeds only once; refusals once", () => {
    const store = new SqliteBlockStore(db);
    expect(store.written(9)).toBeUndefined();
    store.seed(9, "<!-- seed -->");
    store.seed(9, "<!-- other -->");
    expect(store.written(9)).toEqual({ block: "<!-- seed -->", updated_at: "" });
    store.saveWritten(9, "<!-- b2 -->", "2026-01-01T00:00:02Z");
    // A webhook of an older write, or of the same moment, changes nothing; a write's answer does.
    store.saveWritten(9, "<!-- b1 -->", "2026-01-01T00:00:01Z", true);
    store.saveWritten(9, "<!-- b2' -->", "2026-01-01T00:00:02Z", true);
    expect(store.written(9)?.block).toBe("<!-- b2 -->");
    store.saveWritten(9, null, "2026-01-01T00:00:02Z");
    expect(store.written(9)).toEqual({ block: null, updated_at: "2026-01-01T00:00:02Z" });
    store.saveWritten(9, "<!-- b3 -->", "2026-01-01T00:00:03Z", true);
    expect(store.written(9)?.block).toBe("<!-- b3 -->");
    store.saveWritten(10, "<!-- c -->", "2026-01-01T00:00:01Z");
    expect([...store.writtenMany([9, 10, 11]).entries()]).toEqual([
      [9, { block: "<!-- b3 -->", updated_at: "2026-01-01T00:00:03Z" }],
      [10, { block: "<!-- c -->", updated_at: "2026-01-01T00:00:01Z" }],
    ]);
    const edit = { login: "alice", at: "2026-01-01T00:00:04Z", restored: true };
    store.saveRefused(9, edit);
    store.saveRefused(9, edit);
    store.saveRefused(9, { login: "mallory", at: "2026-01-01T00:00:05Z", restored: false });
    expect(store.refused(9)).toEqual([
      edit,
      { login: "mallory", at: "2026-01-01T00:00:05Z", restored: false },
    ]);
  });

  it("project order: set, read all, remove", () => {
    const store = new SqliteProjectOrderStore(db);
    store.set("web", 2);
    store.set("api", 1);
    store.set("web", 3);
    store.remove("api");
    expect([...store.all()]).toEqual([["web", 3]]);
  });

  it("project order: every change moves the version another replica's cache compares", () => {
    const store = new SqliteProjectOrderStore(db);
    const seen = [store.version()];
    store.set("docs", 4);
    seen.push(store.version());
    store.remove("docs");
    seen.push(store.version());
    expect(new Set(seen).size).toBe(3);
  });

  it("dedup index: tasks and vectors round-trip; a changed text drops stale vectors", () => {
    const store = new DedupStore(db);
    const row = {
      taskId: 11,
      url: "u11",
      content: "Renew the domain",
      description: "",
      projectId: null,
      contentHash: "h1",
    };
    store.putTask(row);
    store.putVector(11, "m", "h1", new Float32Array([0.5, -1.25, 3]));
    expect(store.listTasks()).toEqual([row]);
    expect([...store.listVectors("m").get(11)!]).toEqual([0.5, -1.25, 3]);
    store.putTask({ ...row, contentHash: "h2" });
    expect(store.listVectors("m").size).toBe(0);
    store.deleteTask(11);
    expect(store.listTasks()).toEqual([]);
  });

  it("subscriptions: insert, update, failure streak, remove", () => {
    const store = new SqliteSubscriptionStore(db);
    const at = "2026-01-01T00:00:00.000Z";
    const sub = store.insert(
      {
        owner_agent_id: "alice",
        url: "https://example.com/hook",
        events: ["task.created", "task.completed"],
        project_id: null,
        agent_id: null,
        secret: "s1",
        active: true,
      },
      at,
    );
    expect(sub).toMatchObject({ events: ["task.created", "task.completed"], active: true });
    expect(typeof sub.id).toBe("number");
    expect(store.addFailure(sub.id)).toBe(1);
    expect(store.addFailure(sub.id)).toBe(2);
    store.resetFailures(sub.id);
    expect(
      store.update(sub.id, { active: false, events: ["*"] }, "2026-01-02T00:00:00.000Z"),
    ).toMatchObject({ active: false, events: ["*"], consecutive_failures: 0 });
    expect(store.active()).toEqual([]);
    expect(store.list("alice").map((s) => s.id)).toEqual([sub.id]);
    expect(store.list("bob")).toEqual([]);
    expect(store.remove(sub.id)).toBe(true);
    expect(store.remove(sub.id)).toBe(false);
  });

  it("outbox: inbound ids once; per task the oldest pending delivery goes first", () => {
    const outbox = outboxStoreFor(db);
    const subs = new SqliteSubscriptionStore(db);
    const at = "2026-01-01T00:00:00.000Z";
    expect(outbox.markInbound("gh-1", "issues", at)).toBe(true);
    expect(outbox.markInbound("gh-1", "issues", at)).toBe(false);
    const sub = subs.insert(
      {
        owner_agent_id: "alice",
        url: "https://example.com/o",
        events: ["*"],
        project_id: null,
        agent_id: null,
        secret: "s",
        active: true,
      },
      at,
    );
    outbox.transaction(() => {
      for (const n of [1, 2, 3]) {
        outbox.insertEvent(
          { id: `e${n}`, event: "task.updated", issue_number: n < 3 ? 1 : 2, body: `{"n":${n}}` },
          at,
        );
        outbox.enqueue(
          { id: `d${n}`, subscription_id: sub.id, event_id: `e${n}`, issue_number: n < 3 ? 1 : 2 },
          1000,
          at,
        );
      }
    });
    const due = outbox.due(2000, 10);
    expect(due.map((d) => [d.id, d.event, d.body, d.attempts])).toEqual([
      ["d1", "task.updated", '{"n":1}', 0],
      ["d3", "task.updated", '{"n":3}', 0],
    ]);
    outbox.logAttempt("d1", { attempt: 1, status: 500, error: "boom", duration_ms: 12, at });
    outbox.markRetry("d1", 1, 5000, 500, "boom");
    outbox.markDelivered("d3", 1, 200, at);
    // d2 waits behind d1 (same task) even though d1 is not due now.
    expect(outbox.due(4000, 10)).toEqual([]);
    expect(outbox.nextDueAfter(4000)).toBe(5000);
    outbox.markDelivered("d1", 2, 200, at);
    expect(outbox.due(4000, 10).map((d) => d.id)).toEqual(["d2"]);
    outbox.markFailed("d2", 1, null, "gone");
    expect(outbox.get("d1")).toMatchObject({ state: "delivered", attempts: 2, last_status: 200 });
    expect(outbox.attempts("d1")).toEqual([
      { attempt: 1, status: 500, error: "boom", duration_ms: 12, at },
    ]);
    expect(outbox.list(sub.id, 10).map((d) => d.id)).toEqual(["d3", "d2", "d1"]);
    expect(outbox.counts()).toEqual({ delivered: 2, failed: 1 });
    expect(outbox.event("e2")).toEqual({
      id: "e2",
      event: "task.updated",
      issue_number: 1,
      body: '{"n":2}',
    });
    outbox.saveSnapshot(1, "2026-01-03T00:00:00Z", '{"task":1}');
    expect(outbox.snapshot(1)).toEqual({ updated_at: "2026-01-03T00:00:00Z", task: '{"task":1}' });
    outbox.purgeOlderThan("2999-01-01T00:00:00.000Z");
    expect(outbox.counts()).toEqual({});
    expect(outbox.markInbound("gh-1", "issues", at)).toBe(true);
  });

  it("task index: ready tasks by priority, labels, project, assignee and live claims", () => {
    const index = new SqliteTaskIndex(db);
    const claims = claimStoreFor(db);
    index.upsert(task(21, { priority: 1, labels: ["db", "urgent"] }), true);
    index.upsert(task(22, { priority: 4, labels: ["db"] }), true);
    index.upsert(task(23, { priority: 3, assigned_to_agent_id: "bob" }), true);
    index.upsert(task(24, { project: { id: 1, slug: "web", name: "Web" }, project_id: 1 }), true);
    index.upsert(task(25), false);
    // An older view never overwrites a newer one.
    index.upsert(task(22, { priority: 1, updated_at: "2025-01-01T00:00:00.000Z" }), true);
    const ready = (extra = {}) =>
      index.readyIds({ agentId: "alice", now: 5000, limit: 10, ...extra });
    expect(ready()).toEqual([22, 24, 21]);
    expect(ready({ labels: ["db", "urgent"] })).toEqual([21]);
    expect(ready({ projectSlug: "web" })).toEqual([24]);
    expect(index.readyIds({ agentId: "bob", now: 5000, limit: 2 })).toEqual([22, 23]);
    // An agent restricted to projects: their unassigned tasks, and what is assigned to it anyway.
    expect(ready({ allowedProjects: ["web"] })).toEqual([24]);
    expect(ready({ allowedProjects: ["web", "api"], projectSlug: "web" })).toEqual([24]);
    expect(ready({ allowedProjects: [] })).toEqual([]);
    expect(index.readyIds({ agentId: "bob", now: 5000, limit: 5, allowedProjects: [] })).toEqual([
      23,
    ]);
    expect(ready({ allowedProjects: null })).toEqual([22, 24, 21]);
    claims.update(22, () => ({ next: claim(22), result: undefined }));
    expect(ready()).toEqual([24, 21]);
    // A lease that ended counts as free.
    expect(ready({ now: 20_000 })).toEqual([22, 24, 21]);
    expect(index.openNotIn([21, 22])).toEqual(expect.arrayContaining([23, 24]));
    expect(index.openNotIn([21, 22, 23, 24])).toEqual([]);
    expect(index.tasks([24, 21, 99]).map((t) => t.id)).toEqual([24, 21]);
    index.remove(24);
    expect(index.tasks([24])).toEqual([]);
  });

  it("dependencies: pairs once, totals, read-back sides, blocked tasks and the ready queue", () => {
    const index = new SqliteTaskIndex(db);
    const deps = dependencyStoreFor(db);
    for (const id of [61, 62, 63, 64]) index.upsert(task(id, { labels: ["deps"] }), true);
    index.upsert(task(65, { labels: ["deps"] }), false);
    expect(deps.transaction(() => [deps.add(61, 62), deps.add(61, 62)])).toEqual([true, false]);
    deps.add(63, 65); // a closed blocker holds nothing up
    deps.add(64, 61);
    expect(deps.fields(61)).toEqual({ blocked_by: [62], blocking: [64] });
    expect(deps.totals(61)).toEqual({ total_blocked_by: 1, total_blocking: 1 });
    expect(deps.openBlocked([61, 62, 63, 64, 65])).toEqual(
      new Map([
        [61, true],
        [62, false],
        [63, false],
        [64, true],
      ]),
    );
    const ready = () => index.readyIds({ agentId: "alice", now: 0, limit: 10, labels: ["deps"] });
    expect(ready()).toEqual([62, 63]);
    expect(index.tasks([61, 62]).map((t) => [t.blocked_by, t.blocking])).toEqual([
      [[62], [64]],
      [[], [61]],
    ]);
    deps.replace(61, "blocked_by", [63]);
    expect(deps.blockersOf(61)).toEqual([63]);
    expect(deps.remove(61, 63)).toBe(true);
    expect(deps.totals(61)).toEqual({ total_blocked_by: 0, total_blocking: 1 });
    deps.setTotals(61, { total_blocked_by: 4, total_blocking: 2 });
    expect(deps.totals(61)).toEqual({ total_blocked_by: 4, total_blocking: 2 });
    deps.forget(61);
    expect(deps.fields(64)).toEqual({ blocked_by: [], blocking: [] });
    expect(ready()).toEqual([61, 62, 63, 64]);
  });

  it("task mirror: changes in seq order, an unchanged view takes no seq, gone rows, completeness", () => {
    const index = new SqliteTaskIndex(db);
    const since = index.changedSince(0, 1000).at(-1)?.seq ?? 0;
    index.upsert(task(31), true);
    index.upsert(task(32, { priority: 4 }), false);
    index.upsert(task(31), true); // the same view again (a write, then its webhook)
    index.remove(32);
    index.remove(32);
    const changes = index.changedSince(since, 1000);
    expect(changes.map((c) => [c.taskId, c.task?.id ?? null])).toEqual([
      [31, 31],
      [32, null],
    ]);
    expect(index.lastSeq()).toBe(changes[1]!.seq);
    expect(changes[1]!.seq).toBeGreaterThan(changes[0]!.seq);
    expect(index.changedSince(changes[1]!.seq, 1000)).toEqual([]);
    expect(index.entry(31)).toEqual({ task: task(31), open: true });
    // Gone, yet an event about it (a claim released by the delete) still finds what it was.
    expect(index.entry(32)).toBeUndefined();
    expect(index.lastKnown(32)).toEqual(task(32, { priority: 4 }));
    expect(index.lastKnown(99_999)).toBeUndefined();
    // A late view from before the removal (a webhook behind Baton's own write) keeps it gone.
    index.upsert(task(32, { priority: 3 }), true);
    expect(index.entry(32)).toBeUndefined();
    index.upsert(task(32, { priority: 3, updated_at: "2030-01-01T00:00:00.000Z" }), true);
    expect(index.changedSince(changes[1]!.seq, 1000).map((c) => c.task?.priority)).toEqual([3]);
    // A removal seen before a newer view of the task changes nothing.
    index.remove(32, "2029-01-01T00:00:00.000Z");
    expect(index.entry(32)?.task.priority).toBe(3);
    index.remove(32, "2031-01-01T00:00:00.000Z");
    index.upsert(task(32, { updated_at: "2030-06-01T00:00:00.000Z" }), true);
    expect(index.entry(32)).toBeUndefined();
    expect(index.isComplete()).toBe(false);
    index.markComplete();
    index.markComplete();
    expect(index.isComplete()).toBe(true);
  });

  it("task index for triage: open tasks, overdue, failed, reopened twice; abandoned claims", () => {
    const index = new SqliteTaskIndex(db);
    const claims = claimStoreFor(db);
    const at = (s: number) => `2026-01-03T00:00:${String(s).padStart(2, "0")}.000Z`;
    index.upsert(task(41, { due_date: "2026-01-01", updated_at: at(1) }), true);
    index.upsert(task(42, { due_date: "2026-12-31", updated_at: at(1) }), true);
    index.upsert(task(43, { status: "failed", updated_at: at(1) }), true);
    index.upsert(task(44, { due_date: "2026-01-01", updated_at: at(1) }), false);
    // Closed and reopened twice (a stale view in between changes nothing).
    for (const [s, open] of [
      [1, true],
      [2, false],
      [3, true],
      [4, false],
      [5, true],
    ] as const)
      index.upsert(task(45, { updated_at: at(s) }), open);
    index.upsert(task(45, { updated_at: at(0) }), false);
    const flagged = index.attentionIds({ today: "2026-06-01", minReopens: 2 });
    expect(flagged).toEqual({ overdue: [41], failed: [43], looping: [45] });
    expect(index.attentionIds({ today: "2026-06-01", minReopens: 3 }).looping).toEqual([]);
    expect(index.openTasks([44, 41, 45]).map((t) => t.id)).toEqual([41, 45]);

    claims.update(46, () => ({
      next: claim(46, {
        agent_id: null,
        release_reason: "lease_expired",
        handoff_by_agent_id: "bob",
      }),
      result: 0,
    }));
    claims.update(47, () => ({
      next: claim(47, { agent_id: null, release_reason: "released" }),
      result: 0,
    }));
    expect(claims.abandoned().map((r) => r.task_id)).toEqual([46]);
  });

  it("claims: atomic read-decide-write, rollback, expiry, display versions, overrides", () => {
    const claims = claimStoreFor(db);
    expect(claims.update(31, (row) => ({ next: claim(31), result: row }))).toBeUndefined();
    expect(claims.update(31, (row) => ({ result: row?.agent_id }))).toBe("alice");
    expect(() =>
      claims.transaction(() => {
        claims.update(32, () => ({ next: claim(32), result: 1 }));
        throw new Error("abandon");
      }),
    ).toThrow("abandon");
    expect(claims.get(32)).toBeUndefined();
    claims.update(33, () => ({
      next: claim(33, { lease_expires_at: 50, agent_id: "bob" }),
      result: 0,
    }));
    expect(claims.expiredIds(100)).toEqual([33]);
    expect(claims.held().map((r) => r.task_id)).toEqual(expect.arrayContaining([31, 33]));
    expect(claims.unshown(10).map((r) => r.task_id)).toEqual(expect.arrayContaining([31, 33]));
    claims.markShown(31, 1);
    expect(claims.unshown(10).map((r) => r.task_id)).not.toContain(31);
    // A newer change is unshown again; an older markShown does not hide it.
    claims.update(31, (row) => ({ next: { ...row!, version: 2 }, result: 0 }));
    claims.markShown(31, 1);
    expect(claims.get(31)).toMatchObject({ version: 2, shown_version: 1 });
    claims.recordOverride({
      taskId: 31,
      agentId: "carol",
      holder: "alice",
      action: "release",
      at: "x",
    });
    expect(
      db.prepare("SELECT action FROM claim_overrides WHERE task_id = ?").pluck().all(31),
    ).toEqual(["release"]);
  });

  it("catch-up: cursor and replayed deliveries", () => {
    const store = new SqliteCatchUpStore(db);
    expect(store.cursor()).toBeUndefined();
    store.setCursor("2026-01-01T00:00:00Z");
    store.setCursor("2026-01-02T00:00:00Z");
    expect(store.cursor()).toBe("2026-01-02T00:00:00Z");
    store.markRecovered("g1", "2026-01-01T00:00:00Z");
    store.markRecovered("g1", "2026-01-01T00:00:00Z");
    expect(store.isRecovered("g1")).toBe(true);
    store.purgeOlderThan("2026-06-01T00:00:00Z");
    expect(store.isRecovered("g1")).toBe(false);
  });
});
