import { afterAll, beforeAll, expect, it } from "vitest";
import { startEventReceiver, type EventReceiver } from "../support/event-receiver.js";
import { startReplicas, type Replicas } from "../support/replicas.js";
import { testDatabaseUrl } from "../store/store-backends.js";

/**
 * Three replicas on one PostgreSQL database, one GitHub double, webhooks round-robin: creates
 * (each Idempotency-Key sent to two replicas at once), delegations, comments, contested claims
 * and a subscription, with one replica killed (-9) in the middle. Nothing twice, nothing lost.
 */
let set: Replicas;
let receiver: EventReceiver;

beforeAll(async () => {
  if (!testDatabaseUrl) return;
  set = await startReplicas(testDatabaseUrl, 3);
  receiver = await startEventReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await set?.stop();
});

/** A keyed request until it has an answer that is not "still running elsewhere" (409). */
async function keyed(i: number, key: string, agent: string, path: string, body: unknown) {
  for (;;) {
    const res = await set.api(i, agent, "POST", path, body, { "idempotency-key": key });
    if (!(res.status === 409 && res.json?.code === "idempotency_in_progress")) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
}

it.skipIf(!testDatabaseUrl)(
  "3 replicas, one killed: 0 duplicate issues, 0 lost or duplicated events, exclusive claims, each delivery once",
  async () => {
    const admin = await set.createAgent("admin", "admin");
    const alice = await set.createAgent("alice", "coordinator");
    const bob = await set.createAgent("bob", "coordinator");
    const sub = await set.api(2, admin, "POST", "/v1/webhooks", {
      url: receiver.url,
      events: ["*"],
    });
    expect(sub.status).toBe(201);

    // Creates: every key sent to two different replicas at the same moment.
    const created: number[] = [];
    const create = async (n: number) => {
      const body = {
        content: `Replica task ${n}: rotate credential ${n * 7919}`,
        allow_duplicate: true,
      };
      const [a, b] = await Promise.all([
        keyed(n % 3, `create-${n}`, alice, "/v1/tasks", body),
        keyed((n + 1) % 3, `create-${n}`, alice, "/v1/tasks", body),
      ]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.json.id).toBe(b.json.id);
      created.push(a.json.id as number);
    };
    for (let n = 1; n <= 6; n++) await create(n);

    // Delegations through each replica.
    const children = await Promise.all(
      created.slice(0, 3).map((id, i) =>
        keyed(i, `delegate-${id}`, alice, `/v1/tasks/${id}/delegate`, {
          content: `Sub-step of ${id}: verify backups ${id * 31}`,
          assigned_to_agent_id: "bob",
        }),
      ),
    );
    for (const child of children) expect(child.status).toBe(201);

    // Contested claims: alice and bob on two replicas at once; one wins each task.
    const contested = created.slice(3, 6);
    const claims = await Promise.all(
      contested.map((id, i) =>
        Promise.all([
          set.api(i % 3, alice, "POST", `/v1/tasks/${id}/claim`, {}),
          set.api((i + 1) % 3, bob, "POST", `/v1/tasks/${id}/claim`, {}),
        ]),
      ),
    );
    for (const [a, b] of claims) {
      expect([a.status, b.status].sort()).toEqual([200, 409]);
    }

    // Comments; replica 1 is killed while they are in flight (a client retries the same key
    // elsewhere, as it would behind a load balancer).
    const comments = created.flatMap((id) => [1, 2].map((k) => ({ id, k })));
    const sending = comments.map(({ id, k }, i) =>
      keyed(i % 3, `comment-${id}-${k}`, bob, `/v1/tasks/${id}/comments`, {
        content: `Progress note ${k} on ${id}`,
      }),
    );
    await new Promise((r) => setTimeout(r, 150));
    await set.kill(1);
    for (const res of await Promise.all(sending)) expect(res.status).toBe(201);

    // After the kill: more creates through the survivors.
    for (let n = 7; n <= 8; n++) await create(n);

    // No duplicate issues on GitHub: each title once.
    await set.double.waitForWebhooksIdle();
    const titles = [...set.double.state.issues.values()].map((issue) => issue.title);
    expect(titles.length).toBe(new Set(titles).size);
    expect(titles.length).toBe(created.length + children.length);
    const commentCount = [...set.double.state.comments.values()].filter((c) =>
      c.body.includes("Progress note"),
    ).length;
    expect(commentCount).toBe(comments.length);

    // Events: each change announced once, none lost; each delivery received once.
    const expected = [
      ...created.map((id) => `task.created:${id}`),
      ...children.map((c) => `task.delegated:${c.json.id}`),
      ...comments.map(({ id, k }) => `task.commented:${id}:Progress note ${k} on ${id}`),
    ];
    const key = (e: {
      json: { event: string; task: { id: number }; comment?: { content: string } };
    }) =>
      [e.json.event, e.json.task.id, ...(e.json.comment ? [e.json.comment.content] : [])].join(":");
    await receiver.waitFor((all) => expected.every((k) => all.some((e) => key(e) === k)), 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    const seen = receiver.received.map(key).filter((k) => expected.includes(k));
    expect(expected.filter((k) => !seen.includes(k))).toEqual([]);
    expect(seen.length).toBe(new Set(seen).size);
    const deliveryIds = receiver.received.map((e) => String(e.headers["webhook-id"]));
    expect(deliveryIds.length).toBe(new Set(deliveryIds).size);
    // The webhooks really were spread over the replicas.
    expect(set.webhooksPerReplica.filter((n) => n > 0).length).toBe(3);
  },
);
