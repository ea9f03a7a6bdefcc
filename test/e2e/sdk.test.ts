import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatonApiError, BatonClient, type FetchLike, type Task } from "../../src/sdk/index.js";
import { createServer } from "node:http";
import { freePort, startStack, type Stack } from "../support/stack.js";

let stack: Stack;
let admin: BatonClient;
let worker: BatonClient;
let workerKey: string;

beforeAll(async () => {
  stack = await startStack({ env: { BATON_ALLOW_PRIVATE_WEBHOOKS: "true" } });
  const [adminKey, key] = await Promise.all([
    stack.createAgent("admin", "admin"),
    stack.createAgent("builder"),
  ]);
  workerKey = key;
  // The root URL of a loopback server: the SDK appends /api as Delega's clients do.
  admin = new BatonClient({ baseUrl: `${stack.baton.url}/v1`, agentKey: adminKey });
  worker = BatonClient.fromEnv({ env: { BATON_URL: stack.baton.url, BATON_AGENT_KEY: workerKey } });
});
afterAll(async () => {
  await stack?.stop();
});

describe("the SDK against the real server", () => {
  it("resolves a loopback root to /api and knows who it is", async () => {
    expect(worker.baseUrl).toBe(`${stack.baton.url}/api`);
    expect(await worker.health()).toMatchObject({ status: "ok" });
    expect(await worker.me()).toMatchObject({ id: "builder", role: "worker" });
  });

  it("runs the task loop with typed answers", async () => {
    const task = await worker.tasks.create({
      content: "Deploy staging build",
      priority: 3,
      labels: ["deploy"],
    });
    expect(task).toMatchObject({ content: "Deploy staging build", priority: 3, status: "open" });
    expect(task.url).toMatch(/\/issues\/\d+$/);

    expect((await worker.tasks.get(String(task.id))).id).toBe(task.id);
    expect((await worker.tasks.list()).map((t) => t.id)).toContain(task.id);

    const updated = await worker.tasks.update(task.id, { description: "Build 42", priority: 4 });
    expect(updated).toMatchObject({ description: "Build 42", priority: 4 });

    const comment = await worker.tasks.comment(task.id, "Started");
    expect(comment).toMatchObject({ task_id: task.id, content: "Started", author: "builder" });
    expect((await worker.tasks.comments(task.id)).map((c) => c.content)).toEqual(["Started"]);

    const context = await worker.tasks.updateContext(task.id, { build: 42 });
    expect(context.context).toEqual({ build: 42 });
    const again = await worker.tasks.updateContext(
      task.id,
      { env: "staging" },
      { expectedVersion: context.version },
    );
    expect((await worker.tasks.context(task.id)).context).toEqual({ build: 42, env: "staging" });
    await expect(
      worker.tasks.updateContext(task.id, { x: 1 }, { expectedVersion: again.version - 1 }),
    ).rejects.toMatchObject({ status: 409 });

    expect((await worker.tasks.complete(task.id)).completed).toBe(true);
    expect((await worker.tasks.uncomplete(task.id)).completed).toBe(false);
    const stats = await worker.stats();
    expect(stats.total_tasks).toBeGreaterThanOrEqual(1);
    expect(await worker.tasks.delete(task.id)).toMatchObject({ ok: true });
  });

  it("assigns a task and pages through lists", async () => {
    const created: Task[] = [];
    for (const n of [1, 2, 3]) created.push(await admin.tasks.create({ content: `Page ${n}` }));
    const assigned = await admin.tasks.assign(created[0]!.id, "builder");
    expect(assigned.assigned_to_agent_id).toBe("builder");
    expect((await admin.tasks.assign(created[0]!.id, null)).assigned_to_agent_id).toBeNull();
    expect(await admin.tasks.list({ limit: 2 })).toHaveLength(2);
    const all = await admin.tasks.listAll({ limit: 2, search: "Page" });
    expect(all.map((t) => t.content).sort()).toEqual(["Page 1", "Page 2", "Page 3"]);
  });

  it("manages agents and projects as an admin", async () => {
    const agent = await admin.agents.create({ name: "reviewer", display_name: "Reviewer" });
    expect(agent.api_key).toMatch(/^bat_/);
    expect((await admin.agents.list()).map((a) => a.id)).toContain("reviewer");
    expect(await admin.agents.update("reviewer", { description: "Reviews PRs" })).toMatchObject({
      description: "Reviews PRs",
    });
    const rotated = await admin.agents.rotateKey("reviewer");
    expect(rotated.api_key).not.toBe(agent.api_key);
    const reviewer = new BatonClient({ baseUrl: admin.baseUrl, agentKey: rotated.api_key });
    expect((await reviewer.me()).id).toBe("reviewer");
    expect(await admin.agents.delete("reviewer")).toMatchObject({ ok: true });
    await expect(reviewer.me()).rejects.toMatchObject({ status: 401, code: "unauthorized" });

    const project = await admin.projects.create({ name: "Website", color: "#1d76db" });
    expect(project).toMatchObject({ name: "Website", slug: "website" });
    expect((await admin.projects.get("website")).id).toBe(project.id);
    expect((await admin.projects.update(project.id, { emoji: "🌐" })).emoji).toBe("🌐");
    expect((await admin.projects.list()).map((p) => p.slug)).toContain("website");
    expect(await admin.projects.delete(project.id)).toMatchObject({ ok: true });
  });

  it("throws typed errors the caller can act on", async () => {
    const wrong = new BatonClient({ baseUrl: admin.baseUrl, agentKey: "bat_wrong" });
    const error = await wrong.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatonApiError);
    expect(error).toMatchObject({ status: 401, code: "unauthorized" });
    expect(String((error as Error).message)).not.toContain("bat_wrong");

    await expect(worker.tasks.get(999_999)).rejects.toMatchObject({ status: 404 });
    const invalid = await worker.tasks.create({ content: "  " }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 422, code: "validation_failed" });
    expect((invalid as BatonApiError).details.errors).toEqual([
      expect.objectContaining({ field: "content" }),
    ]);
    await expect(worker.agents.create({ name: "nope" })).rejects.toMatchObject({ status: 403 });
  });

  it("replays a create sent twice with the same Idempotency-Key", async () => {
    const first = await worker.tasks.create({ content: "Once only" }, { idempotencyKey: "k-1" });
    const second = await worker.tasks.create({ content: "Once only" }, { idempotencyKey: "k-1" });
    expect(second.id).toBe(first.id);
  });

  it("reports an unreachable server as a network error", async () => {
    const port = await freePort();
    const gone = new BatonClient({
      baseUrl: `http://127.0.0.1:${port}/api`,
      agentKey: workerKey,
      retry: { retries: 1, baseDelayMs: 1 },
    });
    const error = await gone.me().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: "network_error" });
    expect((error as Error).message).not.toContain(workerKey);
  });
});

/** A fetch double: answers from a script and records what was sent. */
function scripted(
  answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>,
) {
  const calls: Array<{ method: string; url: string; headers: Headers; body: unknown }> = [];
  const fetch: FetchLike = async (input, init) => {
    calls.push({
      method: init?.method ?? "GET",
      url: String(input),
      headers: new Headers(init?.headers),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    });
    const next = answers.shift() ?? { status: 500, body: { error: "script ran out" } };
    return new Response(next.body === undefined ? null : JSON.stringify(next.body), {
      status: next.status,
      headers: { "content-type": "application/json", ...next.headers },
    });
  };
  return { fetch, calls };
}

const client = (fetch: FetchLike) =>
  new BatonClient({
    baseUrl: "https://baton.example.com/v1",
    agentKey: "bat_test",
    fetch,
    retry: { baseDelayMs: 1 },
  });

describe("retries", () => {
  // How long it waits (Retry-After, backoff) is retryDelay's, tested in sdk-retry-policy.test.ts.
  it("retries a read on 503 and 429", async () => {
    const { fetch, calls } = scripted([
      {
        status: 503,
        body: { error: "GitHub is throttling", code: "github_throttled" },
        headers: { "retry-after": "0" },
      },
      { status: 429, body: { error: "slow down" }, headers: { "retry-after": "0" } },
      { status: 200, body: [] },
    ]);
    expect(await client(fetch).agents.list()).toEqual([]);
    expect(calls).toHaveLength(3);
    expect(calls[0]!.headers.get("x-agent-key")).toBe("bat_test");
  });

  it("gives up at once when Retry-After is longer than it may wait, and says how long", async () => {
    const { fetch, calls } = scripted([
      {
        status: 429,
        body: { error: "Rate limit", code: "rate_limited" },
        headers: { "retry-after": "120" },
      },
    ]);
    await expect(client(fetch).me()).rejects.toMatchObject({
      status: 429,
      code: "rate_limited",
      retryAfter: 120,
    });
    expect(calls).toHaveLength(1);
  });

  it("retries a write with the same Idempotency-Key, and never retries a 4xx", async () => {
    const { fetch, calls } = scripted([
      { status: 503, headers: { "retry-after": "0" }, body: { error: "busy" } },
      { status: 422, body: { detail: [{ loc: ["body", "content"], msg: "field required" }] } },
    ]);
    const error = await client(fetch)
      .tasks.create({ content: "x" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 422, message: "field required" });
    expect(calls).toHaveLength(2);
    const keys = calls.map((c) => c.headers.get("idempotency-key"));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it("sends an Idempotency-Key on every kind of write, a fresh one per call", async () => {
    const ok = { status: 200, body: { ok: true } };
    const { fetch, calls } = scripted([ok, ok]);
    const one = client(fetch);
    await one.tasks.delete(1);
    await one.agents.delete("x");
    const [a, b] = calls.map((c) => c.headers.get("idempotency-key"));
    expect(a).toBeTruthy();
    expect(b).toBeTruthy();
    expect(a).not.toBe(b);
  });

  it("does not retry a 502 on a write (the server may have acted)", async () => {
    const { fetch, calls } = scripted([{ status: 502, body: { message: "bad gateway" } }]);
    await expect(client(fetch).tasks.complete(3)).rejects.toMatchObject({
      status: 502,
      message: "bad gateway",
    });
    expect(calls).toHaveLength(1);
  });

  it("rejects an answer that does not match the server's schema", async () => {
    const { fetch } = scripted([{ status: 200, body: { id: "not a number" } }]);
    await expect(client(fetch).tasks.get(1)).rejects.toMatchObject({ code: "invalid_response" });
  });
});

describe("delegation, dedup and webhooks through the SDK, against the real server", () => {
  it("delegates, reads the chain and the children", async () => {
    const root = await worker.tasks.create({
      content: "Ship the quarterly report",
      allow_duplicate: true,
    });
    const child = await worker.tasks.delegate(root.id, {
      content: "Collect the revenue figures",
      assigned_to_agent_id: "admin",
    });
    expect(child).toMatchObject({
      parent_task_id: root.id,
      root_task_id: root.id,
      delegation_depth: 1,
    });
    const chain = await worker.tasks.chain(child.id);
    expect(chain).toMatchObject({ depth: 1, total_count: 2, completed_count: 0 });
    expect(chain.root.id).toBe(root.id);
    expect((await worker.tasks.children(root.id)).map((t) => t.id)).toEqual([child.id]);
  });

  it("asks for duplicates and reads a 409 duplicate_task with its matches", async () => {
    const original = await worker.tasks.create({
      content: "Rotate the staging database credentials",
    });
    const answer = await worker.tasks.dedup({ content: "Rotate staging database credentials" });
    expect(answer.has_duplicates).toBe(true);
    expect(answer.matches[0]).toMatchObject({ task_id: original.id, url: original.url });
    const error = await worker.tasks
      .create({ content: "Rotate staging database credentials" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatonApiError);
    expect(error).toMatchObject({ status: 409, code: "duplicate_task" });
    expect((error as BatonApiError).details.matches).toEqual([
      expect.objectContaining({ task_id: original.id }),
    ]);
  });

  it("manages webhooks: create (secret once), list, update, test, deliveries, redeliver, rotate, delete", async () => {
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      received.push(String(req.headers["x-delega-event"]));
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const address = receiver.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;
    try {
      const hook = await admin.webhooks.create({ url, events: ["task.created"] });
      expect(hook.secret).toMatch(/^whsec_/);
      expect((await admin.webhooks.list()).find((h) => h.id === hook.id)).not.toHaveProperty(
        "secret",
      );
      expect((await admin.webhooks.get(hook.id)).url).toBe(url);
      expect((await admin.webhooks.update(hook.id, { events: ["task.completed"] })).events).toEqual(
        ["task.completed"],
      );
      const test = await admin.webhooks.test(hook.id);
      expect(test).toMatchObject({
        webhook_id: hook.id,
        event: "webhook.test",
        state: "delivered",
      });
      const deliveries = await admin.webhooks.deliveries(hook.id, { limit: 5 });
      expect(deliveries.map((d) => d.id)).toContain(test.id);
      const again = await admin.webhooks.redeliver(hook.id, test.id);
      expect(again.redelivery_of).toBe(test.id);
      const rotated = await admin.webhooks.rotateSecret(hook.id);
      expect(rotated.secret).toMatch(/^whsec_/);
      expect(rotated.secret).not.toBe(hook.secret);
      expect(await admin.webhooks.delete(hook.id)).toMatchObject({ ok: true });
      expect(received).toContain("webhook.test");
    } finally {
      receiver.close();
    }
  });
});
