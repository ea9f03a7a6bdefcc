/**
 * `npm run bench:replicas` (issue #18): Baton on PostgreSQL with 1 and with 3 replicas behind a
 * round-robin webhook proxy (test/support/replicas.ts), one replica killed -9 in the middle of
 * the 3-replica run. Needs BATON_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 * Progress on stderr; the last stdout line is one JSON object:
 * - creates, duplicate_issues: keyed creates, each key sent to two replicas at once; issues on
 *   GitHub beyond one per key;
 * - events_lost / events_duplicated: task.created events a subscriber missed / got twice;
 * - double_claims: tasks two agents both claimed (racing through two replicas);
 * - deliveries_per_s: outbox deliveries sent per second with 1 and with 3 replicas;
 * - github_writes_per_min with the budget they share (BATON_WRITE_SPACING_MS=200: a content
 *   write every 600 ms, 100 a minute, for all replicas together).
 */
import { randomBytes } from "node:crypto";
import { startEventReceiver } from "../test/support/event-receiver.js";
import { startReplicas, type Replicas } from "../test/support/replicas.js";
import { openStore, outboxStoreFor } from "../src/store/open-store.js";
import { SqliteSubscriptionStore } from "../src/store/subscription-store.js";

const URL_ = process.env.BATON_TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const CREATES = Number(process.env.BENCH_CREATES ?? 12);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 600);
const log = (message: string) => process.stderr.write(`${message}\n`);

async function keyed(
  set: Replicas,
  i: number,
  key: string,
  agent: string,
  path: string,
  body: unknown,
) {
  for (;;) {
    const res = await set.api(i, agent, "POST", path, body, { "idempotency-key": key });
    if (!(res.status === 409 && res.json?.code === "idempotency_in_progress")) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function correctness(count: number) {
  const set = await startReplicas(URL_, count);
  const receiver = await startEventReceiver();
  try {
    const [admin, alice, bob] = [
      await set.createAgent("admin", "admin"),
      await set.createAgent("alice", "coordinator"),
      await set.createAgent("bob", "coordinator"),
    ];
    await set.api(0, admin, "POST", "/v1/webhooks", {
      url: receiver.url,
      events: ["task.created"],
    });
    const ids: number[] = [];
    for (let n = 1; n <= CREATES; n++) {
      if (count > 1 && n === Math.ceil(CREATES / 2)) await set.kill(1);
      const body = {
        content: `Bench task ${n}: renew certificate ${n * 104729}`,
        allow_duplicate: true,
      };
      const answers = await Promise.all(
        [n % count, (n + 1) % count].map((i) =>
          keyed(set, i, `bench-${n}`, alice, "/v1/tasks", body),
        ),
      );
      ids.push(answers[0]!.json.id as number);
    }
    let doubleClaims = 0;
    for (const id of ids) {
      const [a, b] = await Promise.all([
        set.api(0, alice, "POST", `/v1/tasks/${id}/claim`, {}),
        set.api(count - 1, bob, "POST", `/v1/tasks/${id}/claim`, {}),
      ]);
      if (a.status === 200 && b.status === 200) doubleClaims++;
    }
    await set.double.waitForWebhooksIdle();
    await receiver
      .waitFor((all) => ids.every((id) => all.some((e) => e.json.task.id === id)), 30_000)
      .catch(() => undefined);
    const created = receiver.received.map((e) => e.json.task.id as number);
    const titles = [...set.double.state.issues.values()].map((i) => i.title);
    return {
      duplicate_issues: titles.length - new Set(titles).size,
      events_lost: ids.filter((id) => !created.includes(id)).length,
      events_duplicated: created.length - new Set(created).size,
      double_claims: doubleClaims,
    };
  } finally {
    await receiver.close();
    await set.stop();
  }
}

/** Deliveries/s: DELIVERIES events written straight into the shared outbox, sent by the replicas. */
async function deliveryRate(count: number): Promise<number> {
  const set = await startReplicas(URL_, count);
  const receiver = await startEventReceiver();
  try {
    const db = openStore({ path: "", url: URL_, schema: set.env.BATON_DB_SCHEMA });
    const outbox = outboxStoreFor(db);
    const at = new Date().toISOString();
    const sub = new SqliteSubscriptionStore(db).insert(
      {
        owner_agent_id: "bench",
        url: receiver.url,
        events: ["*"],
        project_id: null,
        agent_id: null,
        secret: `whsec_${randomBytes(24).toString("base64")}`,
        active: true,
      },
      at,
    );
    const started = Date.now();
    outbox.transaction(() => {
      for (let n = 0; n < DELIVERIES; n++) {
        outbox.insertEvent(
          { id: `e${n}`, event: "task.updated", issue_number: n % 50, body: `{"n":${n}}` },
          at,
        );
        outbox.enqueue(
          { id: `d${n}`, subscription_id: sub.id, event_id: `e${n}`, issue_number: n % 50 },
          started,
          at,
        );
      }
    });
    db.close();
    await receiver.waitFor((all) => all.length >= DELIVERIES, 120_000);
    return Math.round((DELIVERIES / (Date.now() - started)) * 1000);
  } finally {
    await receiver.close();
    await set.stop();
  }
}

async function writeBudget(): Promise<{ github_writes_per_min: number; budget_per_min: number }> {
  const spacing = 200;
  const set = await startReplicas(URL_, 3, {
    BATON_WRITE_SPACING_MS: String(spacing),
    BATON_WRITE_QUEUE_WAIT_S: "60",
  });
  try {
    const alice = await set.createAgent("alice", "coordinator");
    const task = await set.api(0, alice, "POST", "/v1/tasks", { content: "Budget task" });
    // The budget governs content writes (comments here); label creations at start and GraphQL
    // reads (POSTs too) have their own rules and are not counted.
    const contentWrites = () =>
      set.double.requests.filter((r) => r.method === "POST" && r.path.endsWith("/comments")).length;
    const before = contentWrites();
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        set.api(i % 3, alice, "POST", `/v1/tasks/${task.json.id}/comments`, {
          content: `note ${i}`,
        }),
      ),
    );
    const writes = contentWrites() - before;
    return {
      github_writes_per_min: Math.round((writes / (Date.now() - started)) * 60_000),
      budget_per_min: Math.round(60_000 / (spacing * 3)),
    };
  } finally {
    await set.stop();
  }
}

async function main() {
  log("correctness, 3 replicas, one killed…");
  const three = await correctness(3);
  log("deliveries/s with 1 and 3 replicas…");
  const one = await deliveryRate(1);
  const threeRate = await deliveryRate(3);
  log("shared write budget…");
  const budget = await writeBudget();
  console.log(
    JSON.stringify({
      replicas: 3,
      creates: CREATES,
      ...three,
      deliveries_per_s: { "1": one, "3": threeRate },
      ...budget,
    }),
  );
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
