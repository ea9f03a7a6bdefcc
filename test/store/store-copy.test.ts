import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { SqliteAgentStore } from "../../src/store/agent-store.js";
import { openDatabase } from "../../src/store/database.js";
import { DedupStore } from "../../src/store/dedup-store.js";
import { SqliteJournal } from "../../src/store/journal-store.js";
import { openStore, outboxStoreFor } from "../../src/store/open-store.js";
import { SqliteSubscriptionStore } from "../../src/store/subscription-store.js";
import { runCli } from "../support/stack.js";
import { freshSchema, testDatabaseUrl } from "./store-backends.js";

const schema = freshSchema("copy");
const at = "2026-01-01T00:00:00.000Z";

afterAll(() => {
  if (!testDatabaseUrl) return;
  const db = openStore({ path: "", url: testDatabaseUrl, schema });
  db.exec(`DROP SCHEMA "${schema}" CASCADE`);
  db.close();
});

it.skipIf(!testDatabaseUrl)(
  "`baton store copy` moves a SQLite install to PostgreSQL, once, ids and all",
  async () => {
    const path = join(mkdtempSync(join(tmpdir(), "baton-copy-")), "baton.db");
    const sqlite = openDatabase(path);
    new SqliteAgentStore(sqlite).insert({
      id: "alice",
      name: "alice",
      display_name: "Alice",
      description: null,
      role: "admin",
      active: true,
      key_prefix: "bk_a",
      key_hash: "hash-a",
      created_at: at,
      updated_at: at,
      last_seen_at: null,
      project_ids: [7, 9],
    });
    const journal = new SqliteJournal(sqlite);
    for (let i = 0; i < 3; i++) journal.record(4, "update", "alice");
    const sub = new SqliteSubscriptionStore(sqlite).insert(
      {
        owner_agent_id: "alice",
        url: "https://e.com/h",
        events: ["*"],
        project_id: null,
        agent_id: null,
        secret: "s",
        active: true,
      },
      at,
    );
    const outbox = outboxStoreFor(sqlite);
    outbox.insertEvent({ id: "e1", event: "task.created", issue_number: 4, body: "{}" }, at);
    outbox.enqueue(
      { id: "d1", subscription_id: sub.id, event_id: "e1", issue_number: 4 },
      1000,
      at,
    );
    outbox.logAttempt("d1", { attempt: 1, status: 500, error: "x", duration_ms: 3, at });
    new DedupStore(sqlite).putTask({
      taskId: 4,
      url: "u",
      content: "c",
      description: "",
      projectId: null,
      contentHash: "h",
    });
    new DedupStore(sqlite).putVector(4, "m", "h", new Float32Array([1.5, -2]));
    sqlite.close();

    const env = { DATABASE_URL: testDatabaseUrl!, BATON_DB_SCHEMA: schema };
    const copy = await runCli(["store", "copy", "--from", `sqlite:${path}`, "--json"], env);
    expect(copy.stderr).toBe("");
    expect(JSON.parse(copy.stdout)).toMatchObject({
      copied: {
        agents: 1,
        journal: 3,
        webhook_subscriptions: 1,
        outbox: 1,
        delivery_attempts: 1,
        dedup_vectors: 1,
      },
    });

    const pg = openStore({ path: "", url: testDatabaseUrl!, schema });
    expect(new SqliteAgentStore(pg).get("alice")).toMatchObject({
      display_name: "Alice",
      active: true,
      project_ids: [7, 9],
    });
    // Ids continue after the copied ones.
    expect(new SqliteJournal(pg).record(4, "update", "alice")).toBe(4);
    expect(new SqliteSubscriptionStore(pg).get(sub.id)?.url).toBe("https://e.com/h");
    expect(
      outboxStoreFor(pg)
        .due(2000, 10)
        .map((d) => d.id),
    ).toEqual(["d1"]);
    expect([...new DedupStore(pg).listVectors("m").get(4)!]).toEqual([1.5, -2]);
    pg.close();

    // A second copy would mix two installs: refused, nothing written.
    const again = await runCli(["store", "copy", "--from", `sqlite:${path}`], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already holds data");
    const missing = await runCli(["store", "copy", "--from", "sqlite:/nonexistent/x.db"], env);
    expect(missing.code).toBe(2);
  },
);
