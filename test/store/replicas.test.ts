import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { AgentService } from "../../src/agents/agent-service.js";
import { SqliteAgentStore } from "../../src/store/agent-store.js";
import { migrations } from "../../src/store/migrations.js";
import { keyPepper } from "../../src/store/settings-store.js";
import { outboxStoreFor, openStore } from "../../src/store/open-store.js";
import { SqliteSubscriptionStore } from "../../src/store/subscription-store.js";
import { SqliteTaskIndex } from "../../src/store/task-index-store.js";
import type { Task } from "../../src/tasks/task-schema.js";
import type { PgDatabase } from "../../src/store/pg/pg-database.js";
import { createSchema } from "../../src/store/pg/pg-schema.js";
import { freshSchema, testDatabaseUrl } from "./store-backends.js";

/** What several replicas on one PostgreSQL database must never do twice. */
const run = promisify(execFile);
const child = new URL("./replica-child.ts", import.meta.url).pathname;

describe.skipIf(!testDatabaseUrl)("replicas on one PostgreSQL database", () => {
  const url = testDatabaseUrl!;
  const opened: PgDatabase[] = [];
  const open = (schema: string) => {
    const db = openStore({ path: "", url, schema }) as PgDatabase;
    opened.push(db);
    return db;
  };
  afterAll(() => {
    for (const db of opened.reverse()) {
      if (db.open) db.exec(`DROP SCHEMA IF EXISTS "${db.schema}" CASCADE`);
      db.close();
    }
  });

  it("three processes starting at once migrate once, and race for claims: one winner per task", async () => {
    const schema = freshSchema("race");
    const tasks = 30;
    const results = await Promise.all(
      ["r1", "r2", "r3"].map((who) =>
        run(process.execPath, ["--import", "tsx", child, url, schema, who, String(tasks)]),
      ),
    );
    const won = results.map((r) => JSON.parse(r.stdout.trim()) as { won: number[] });
    const all = won.flatMap((w) => w.won).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: tasks }, (_, i) => i + 1));
    const db = open(schema);
    expect(
      db.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all(),
    ).toEqual(migrations.map((m) => m.version).sort((a, b) => a - b));
    expect(db.prepare("SELECT COUNT(*) FROM task_claims").pluck().get()).toBe(tasks);
  });

  it("three processes racing with queue claims for the same ready tasks: each task claimed once, then null for all", async () => {
    const schema = freshSchema("queue");
    const db = open(schema);
    const index = new SqliteTaskIndex(db);
    const tasks = 24;
    const at = "2026-01-01T00:00:00.000Z";
    for (let id = 1; id <= tasks; id++)
      index.upsert(
        {
          id,
          content: `Ready task ${id}`,
          priority: 1 + (id % 4),
          labels: [],
          project: null,
          project_id: null,
          status: "open",
          completed: false,
          due_date: null,
          created_at: at,
          updated_at: at,
          created_by_agent_id: "monitor",
          assigned_to_agent_id: null,
        } as unknown as Task,
        true,
      );
    // Each process has up to 20 agents take one task each: 60 claimers for 24 tasks.
    const results = await Promise.all(
      ["q1", "q2", "q3"].map((who) =>
        run(process.execPath, ["--import", "tsx", child, url, schema, who, "20", "queue", "3"]),
      ),
    );
    const won = results.flatMap((r) => (JSON.parse(r.stdout.trim()) as { won: number[] }).won);
    expect([...won].sort((a, b) => a - b)).toEqual(Array.from({ length: tasks }, (_, i) => i + 1));
    const holders = db
      .prepare("SELECT agent_id FROM task_claims WHERE agent_id IS NOT NULL")
      .pluck()
      .all() as string[];
    expect(holders).toHaveLength(tasks);
    expect(new Set(holders).size).toBe(tasks);
  });

  it("replicas creating a new schema at the same moment all start", async () => {
    const schema = freshSchema("start");
    const clients = Array.from({ length: 8 }, () => new pg.Client({ connectionString: url }));
    await Promise.all(clients.map((c) => c.connect()));
    try {
      const results = await Promise.allSettled(clients.map((c) => createSchema(c, schema)));
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    } finally {
      await clients[0]!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it("three processes writing the task index at once: every seq once, and a reader following the changes misses none", async () => {
    const schema = freshSchema("seq");
    const reader = open(schema);
    const index = new SqliteTaskIndex(reader);
    const seen = new Set<number>();
    let seq = 0;
    const follow = () => {
      for (const change of index.changedSince(seq, 1000)) {
        seen.add(change.taskId);
        seq = change.seq;
      }
    };
    let racing = true;
    // The reader catches up while the writers race, as each replica's mirror and dedup index do.
    const following = (async () => {
      while (racing) {
        follow();
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const results = await Promise.all(
      ["r1", "r2", "r3"].map((who) =>
        run(process.execPath, ["--import", "tsx", child, url, schema, who, "150", "index"]),
      ),
    );
    racing = false;
    await following;
    follow();
    const written = results.flatMap((r) => (JSON.parse(r.stdout.trim()) as { won: number[] }).won);
    expect(written).toHaveLength(450);
    expect([...written].filter((id) => !seen.has(id))).toEqual([]);
    const seqs = reader.prepare("SELECT seq FROM task_index").pluck().all() as number[];
    expect(new Set(seqs).size).toBe(450);
  });

  it("an agent created, changed, rotated or deactivated through one replica is honoured by another at once", async () => {
    const schema = freshSchema("agents");
    const [a, b] = [open(schema), open(schema)].map(
      (db) =>
        new AgentService({ store: new SqliteAgentStore(db), pepper: keyPepper(db, undefined) }),
    ) as [AgentService, AgentService];
    // A later request on B: a new turn of its event loop.
    const nextRequest = () => new Promise((resolve) => setImmediate(resolve));
    const first = a.create({ name: "carol" }).apiKey;
    expect(b.authenticate(first)?.role).toBe("worker");
    expect(b.requireAssignable("carol").display_name).toBeNull(); // now in B's cache
    a.update("carol", { role: "coordinator", display_name: "Carol", project_ids: [9, 4] });
    await nextRequest();
    expect(b.find("carol")).toMatchObject({
      role: "coordinator",
      display_name: "Carol",
      project_ids: [4, 9],
    });
    expect(b.authenticate(first)?.project_ids).toEqual([4, 9]);
    const second = a.rotateKey("carol").apiKey;
    expect(b.authenticate(first)).toBeUndefined();
    expect(b.authenticate(second)?.id).toBe("carol");
    a.deactivate("carol");
    await nextRequest();
    expect(b.authenticate(second)).toBeUndefined();
    expect(() => b.requireAssignable("carol")).toThrow(
      expect.objectContaining({ code: "agent_inactive" }),
    );
    // One created through A is known to B (names on tasks, assignment) at once.
    a.create({ name: "dave" });
    await nextRequest();
    expect(b.requireAssignable("dave").id).toBe("dave");
  });

  it("a GitHub delivery id is accepted by one replica; a due delivery is taken by one", () => {
    const schema = freshSchema("outbox");
    const [a, b] = [open(schema), open(schema)];
    const [outA, outB] = [outboxStoreFor(a, 30_000), outboxStoreFor(b, 30_000)];
    const at = "2026-01-01T00:00:00.000Z";
    expect(outA.markInbound("gh-7", "issues", at)).toBe(true);
    expect(outB.markInbound("gh-7", "issues", at)).toBe(false);
    const sub = new SqliteSubscriptionStore(a).insert(
      {
        owner_agent_id: "x",
        url: "https://e.com",
        events: ["*"],
        project_id: null,
        agent_id: null,
        secret: "s",
        active: true,
      },
      at,
    );
    for (const n of [1, 2]) {
      outA.insertEvent({ id: `e${n}`, event: "task.updated", issue_number: 9, body: "{}" }, at);
      outA.enqueue(
        { id: `d${n}`, subscription_id: sub.id, event_id: `e${n}`, issue_number: 9 },
        1000,
        at,
      );
    }
    expect(outA.due(2000, 10).map((d) => d.id)).toEqual(["d1"]);
    // Taken by A: B finds neither it nor the delivery queued behind it.
    expect(outB.due(2000, 10)).toEqual([]);
    // Handed back (A had no free slot): due again for anyone.
    outA.release(outA.get("d1")!, 2000);
    expect(outB.due(2000, 10).map((d) => d.id)).toEqual(["d1"]);
    outB.markDelivered("d1", 1, 200, at);
    expect(outA.due(2000, 10).map((d) => d.id)).toEqual(["d2"]);
    // A replica that took d2 and died: after its lease, another replica takes it.
    expect(outB.due(2000 + 31_000, 10).map((d) => d.id)).toEqual(["d2"]);
  });
});
