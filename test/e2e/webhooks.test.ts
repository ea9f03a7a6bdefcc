import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startEventReceiver,
  verifyDelega,
  verifyStandard,
  type EventReceiver,
} from "../support/event-receiver.js";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack;
let admin: string;
let monitor: string;
let infra: string;
let receiver: EventReceiver;

const issuesApi = (path: string) => `${stack.double.url}/api/v3/repos/acme/tasks${path}`;
/** A person acting on github.com (the double's `token user:<login>`). */
const asUser = (login: string, method: string, path: string, body?: unknown) =>
  fetch(issuesApi(path), {
    method,
    headers: { authorization: `token user:${login}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  stack = await startStack({ env: { BATON_ALLOW_PRIVATE_WEBHOOKS: "true" } });
  [admin, monitor, infra] = await Promise.all([
    stack.createAgent("admin", "admin"),
    stack.createAgent("monitor"),
    stack.createAgent("infra"),
  ]);
  receiver = await startEventReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

const eventsFor = (taskId: number) => receiver.received.filter((e) => e.json.task?.id === taskId);

describe("the monitor → infra → monitor loop", () => {
  let secret: string;

  it("monitor subscribes and gets its secret once", async () => {
    const created = await stack.api(monitor, "POST", "/v1/webhooks", {
      url: receiver.url,
      events: ["*"],
    });
    expect(created.status).toBe(201);
    expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.json).toMatchObject({ owner_agent_id: "monitor", active: true });
    secret = created.json.secret;
    const got = await stack.api(monitor, "GET", `/v1/webhooks/${created.json.id}`);
    expect(got.json.secret).toBeUndefined();
  });

  it("infra completes monitor's task: ONE signed task.completed naming infra", async () => {
    const { json: task } = await stack.api(monitor, "POST", "/v1/tasks", {
      content: "Renew TLS cert",
      assigned_to_agent_id: "infra",
    });
    await receiver.waitFor(() => eventsFor(task.id).some((e) => e.json.event === "task.created"));
    // Labels, body and state change in one PATCH: GitHub sends several webhooks.
    const done = await stack.api(infra, "PUT", `/v1/tasks/${task.id}`, {
      completed: true,
      priority: 4,
      labels: ["tls"],
    });
    expect(done.status).toBe(200);
    await receiver.waitFor(() => eventsFor(task.id).some((e) => e.json.event === "task.completed"));
    await stack.double.waitForWebhooksIdle();
    await new Promise((r) => setTimeout(r, 300));
    const events = eventsFor(task.id).map((e) => e.json.event);
    expect(events).toEqual(["task.created", "task.completed"]);

    const completed = eventsFor(task.id)[1]!;
    expect(completed.json).toMatchObject({
      event: "task.completed",
      agent: { id: "infra", name: "infra" },
      actor: null,
      task: { id: task.id, completed: true, status: "completed", priority: 4, labels: ["tls"] },
      changes: { completed: { from: false, to: true }, priority: { from: 2, to: 4 } },
    });
    expect(completed.json.id).toMatch(/^evt_/);
    expect(completed.headers["x-delega-event"]).toBe("task.completed");
    expect(completed.headers["x-delega-delivery"]).toBe(completed.headers["webhook-id"]);
    expect(verifyDelega(completed, secret)).toBe(true);
    expect(verifyStandard(completed, secret)).toBe(true);
    expect(verifyDelega(completed, "whsec_wrong")).toBe(false);
    expect(eventsFor(task.id)[0]!.json.agent).toMatchObject({ id: "monitor" });
  });

  it("a person closing the issue on github.com fires the same event, with actor", async () => {
    const { json: task } = await stack.api(monitor, "POST", "/v1/tasks", {
      content: "Rotate DNS keys",
      assigned_to_agent_id: "infra",
    });
    const closed = await asUser("alice", "PATCH", `/issues/${task.id}`, {
      state: "closed",
      state_reason: "completed",
    });
    expect(closed.status).toBe(200);
    await receiver.waitFor(() => eventsFor(task.id).some((e) => e.json.event === "task.completed"));
    const event = eventsFor(task.id).find((e) => e.json.event === "task.completed")!;
    expect(event.json).toMatchObject({
      agent: null,
      actor: { type: "user", login: "alice" },
      task: { id: task.id, completed: true },
    });
    expect(verifyStandard(event, secret)).toBe(true);
  });
});

describe("subscriptions", () => {
  it("admins see every subscription, agents their own; others' ids answer 404", async () => {
    const mine = await stack.api(infra, "POST", "/v1/webhooks", {
      url: receiver.url,
      events: ["task.completed"],
    });
    expect(mine.status).toBe(201);
    const all = await stack.api(admin, "GET", "/v1/webhooks");
    expect(all.json.map((w: { owner_agent_id: string }) => w.owner_agent_id)).toEqual(
      expect.arrayContaining(["monitor", "infra"]),
    );
    const own = await stack.api(infra, "GET", "/v1/webhooks");
    expect(own.json.every((w: { owner_agent_id: string }) => w.owner_agent_id === "infra")).toBe(
      true,
    );
    const monitorHooks = await stack.api(monitor, "GET", "/v1/webhooks");
    const other = await stack.api(infra, "GET", `/v1/webhooks/${monitorHooks.json[0].id}`);
    expect(other.status).toBe(404);
    const removed = await stack.api(infra, "DELETE", `/v1/webhooks/${mine.json.id}`);
    expect(removed.json).toEqual({ ok: true, deleted: mine.json.id });
  });

  it("refuses a client-chosen secret and cloud metadata URLs, even with private targets allowed", async () => {
    const withSecret = await stack.api(admin, "POST", "/v1/webhooks", {
      url: receiver.url,
      events: ["*"],
      secret: "my-own-secret",
    });
    expect(withSecret.status).toBe(422);
    expect(JSON.stringify(withSecret.json)).toContain("secret");
    for (const url of [
      "http://169.254.169.254/latest/meta-data",
      "http://[::ffff:169.254.169.254]/",
      "http://metadata.google.internal/",
      "ftp://example.com/",
    ]) {
      const refused = await stack.api(admin, "POST", "/v1/webhooks", { url, events: ["*"] });
      expect(refused.status, url).toBe(422);
      expect(refused.json.code).toBe("webhook_url_refused");
    }
  });

  it("appears in the OpenAPI document", async () => {
    const doc = await stack.api(undefined, "GET", "/v1/openapi.json");
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining([
        "/webhooks",
        "/webhooks/{id}",
        "/webhooks/{id}/deliveries",
        "/webhooks/{id}/deliveries/{delivery}/redeliver",
        "/webhooks/{id}/test",
        "/webhooks/{id}/rotate-secret",
      ]),
    );
  });
});
