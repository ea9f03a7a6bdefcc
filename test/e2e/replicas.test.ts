import { rmSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEventReceiver, type EventReceiver } from "../support/event-receiver.js";
import { startReplicas, type Replicas } from "../support/replicas.js";
import { buildBundle } from "../support/stack.js";
import { testDatabaseUrl } from "../store/store-backends.js";

/**
 * Three replicas on one PostgreSQL database, one GitHub double, webhooks round-robin; replica 2
 * runs the bundle `npm run build` makes (what `npm start` runs), the others the sources. First
 * what each replica holds in memory must agree across them (dedup index, agents, the lease
 * keeper); then creates (each Idempotency-Key sent to two replicas at once), delegations,
 * comments, contested claims and a subscription, with one replica killed (-9) in the middle.
 * Nothing twice, nothing lost.
 */
let set: Replicas;
let receiver: EventReceiver;
let admin: string;
let alice: string;
let bob: string;
let bundleDir: string | undefined;
const BUNDLED = 2;

beforeAll(async () => {
  if (!testDatabaseUrl) return;
  const dir = (bundleDir = buildBundle());
  // Short leases, swept often by all three keepers: they race for every lease that ends.
  set = await startReplicas(
    testDatabaseUrl,
    3,
    { BATON_LEASE_MIN_S: "1", BATON_LEASE_SWEEP_MS: "50" },
    { dir, replicas: [BUNDLED] },
  );
  receiver = await startEventReceiver();
  admin = await set.createAgent("admin", "admin");
  alice = await set.createAgent("alice", "coordinator");
  bob = await set.createAgent("bob", "coordinator");
});
afterAll(async () => {
  await receiver?.close();
  await set?.stop();
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

it.skipIf(!testDatabaseUrl)("the built bundle runs as a replica on PostgreSQL", async () => {
  expect(set.replicas[BUNDLED]!.child.spawnargs.at(-1)).toMatch(/\.tmp\/bundle-[^/]+\/main\.mjs$/);
  const res = await set.api(BUNDLED, alice, "GET", "/v1/agent/me");
  expect(res).toMatchObject({ status: 200, replica: BUNDLED, json: { id: "alice" } });
});

it.skipIf(!testDatabaseUrl)(
  "dedup across replicas: a paraphrase of a task created through another replica a moment ago is refused, until that task is completed",
  async () => {
    // The webhooks all go to replica 0: 1 and 2 hear of its tasks only through the shared store.
    set.pinWebhooks(0);
    try {
      const create = (i: number, content: string) =>
        set.api(i, alice, "POST", "/v1/tasks", { content });
      const first = await create(0, "Check disk usage on web-1");
      expect(first.status).toBe(201);
      for (const i of [1, 2]) {
        const again = await create(i, "check disk usage on web-1 host");
        expect(again).toMatchObject({
          status: 409,
          replica: i,
          json: { code: "duplicate_task", existing_task_id: first.json.id },
        });
      }
      const asked = await set.api(2, alice, "POST", "/v1/tasks/dedup", {
        content: "check disk usage on web-1 host",
      });
      expect(asked.json.matches.map((m: { task_id: number }) => m.task_id)).toEqual([
        first.json.id,
      ]);
      // Completed through replica 0: no longer open work, anywhere.
      expect((await set.api(0, alice, "POST", `/v1/tasks/${first.json.id}/complete`)).status).toBe(
        200,
      );
      const next = await create(1, "check disk usage on web-1 host");
      expect(next).toMatchObject({ status: 201, replica: 1 });
      // And replica 2 refuses what replica 1 just created.
      expect(await create(2, "Check disk usage on web-1")).toMatchObject({
        status: 409,
        json: { code: "duplicate_task", existing_task_id: next.json.id },
      });
    } finally {
      set.pinWebhooks(undefined);
    }
  },
);

it.skipIf(!testDatabaseUrl)(
  "agents across replicas: created, rotated and deactivated through one, honoured by the others at once",
  async () => {
    const made = await set.api(0, admin, "POST", "/v1/agents", { name: "carol" });
    expect(made.status).toBe(201);
    const first = made.json.api_key as string;
    for (const i of [1, 2])
      expect((await set.api(i, first, "GET", "/v1/agent/me")).status).toBe(200);
    // Replica 1 assigns a task to carol (and so holds her in its cache).
    const assign = (i: number, content: string) =>
      set.api(i, alice, "POST", "/v1/tasks", { content, assigned_to_agent_id: "carol" });
    expect((await assign(1, "Rebuild the search index for carol")).status).toBe(201);

    const rotated = await set.api(2, admin, "POST", "/v1/agents/carol/rotate-key");
    expect(rotated.status).toBe(200);
    const second = rotated.json.api_key as string;
    for (const i of [0, 1]) {
      expect((await set.api(i, first, "GET", "/v1/agent/me")).status).toBe(401);
      expect((await set.api(i, second, "GET", "/v1/agent/me")).status).toBe(200);
    }

    expect((await set.api(0, admin, "DELETE", "/v1/agents/carol")).status).toBeLessThan(300);
    for (const i of [1, 2])
      expect((await set.api(i, second, "GET", "/v1/agent/me")).status).toBe(401);
    expect(await assign(1, "Prune the old search snapshots for carol")).toMatchObject({
      status: 422,
      replica: 1,
      json: { code: "agent_inactive" },
    });
  },
);

it.skipIf(!testDatabaseUrl)(
  "a project's sort order changed through one replica is the order the others list",
  async () => {
    const names = ["Replica alpha", "Replica beta"];
    for (const [i, name] of names.entries())
      expect(
        (await set.api(0, admin, "POST", "/v1/projects", { name, sort_order: i })).status,
      ).toBe(201);
    const order = async (i: number) =>
      ((await set.api(i, admin, "GET", "/v1/projects")).json as { name: string }[])
        .map((p) => p.name)
        .filter((name) => names.includes(name));
    for (const i of [1, 2]) expect(await order(i)).toEqual(names);
    const alpha = (await set.api(1, admin, "GET", "/v1/projects")).json.find(
      (p: { name: string }) => p.name === names[0],
    );
    expect(
      (await set.api(2, admin, "PUT", `/v1/projects/${alpha.id}`, { sort_order: 9 })).status,
    ).toBe(200);
    for (const i of [0, 1]) expect(await order(i)).toEqual([...names].reverse());
  },
);

it.skipIf(!testDatabaseUrl)(
  "an ended lease is released once, with one task.released, though three keepers race for it",
  async () => {
    const released = await startEventReceiver();
    try {
      const sub = await set.api(0, admin, "POST", "/v1/webhooks", {
        url: released.url,
        events: ["task.released"],
      });
      expect(sub.status).toBe(201);
      const ids: number[] = [];
      for (let n = 1; n <= 6; n++) {
        const made = await set.api(n % 3, alice, "POST", "/v1/tasks", {
          content: `Lease task ${n}: reindex shard ${n * 104_729}`,
          allow_duplicate: true,
        });
        expect(made.status).toBe(201);
        ids.push(made.json.id as number);
      }
      for (const [n, id] of ids.entries()) {
        const claimed = await set.api(n % 3, bob, "POST", `/v1/tasks/${id}/claim`, {
          lease_seconds: 1,
        });
        expect(claimed.status).toBe(200);
      }
      const releasedIds = () =>
        released.received
          .filter((e) => e.json.event === "task.released")
          .map((e) => e.json.task.id as number);
      await released.waitFor(() => ids.every((id) => releasedIds().includes(id)), 60_000);
      // Every keeper has swept many times since: a second release would have been sent by now.
      await new Promise((r) => setTimeout(r, 1500));
      expect(releasedIds().sort((a, b) => a - b)).toEqual(ids);
      for (const e of released.received)
        expect(e.json).toMatchObject({ reason: "lease_expired", agent: { id: "bob" } });
      for (const [n, id] of ids.entries()) {
        const task = await set.api(n % 3, alice, "GET", `/v1/tasks/${id}`);
        expect(task.json).toMatchObject({ claimed_by_agent_id: null, status: "open" });
      }
      await set.api(0, admin, "DELETE", `/v1/webhooks/${sub.json.id}`);
    } finally {
      await released.close();
    }
  },
);

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
    const titles = [...set.double.state.issues.values()]
      .map((issue) => issue.title)
      .filter((title) => /^(Replica task|Sub-step)/.test(title));
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
