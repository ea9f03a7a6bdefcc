// DESIGN §6a: nothing GitHub sent is lost while Baton is down. The double keeps the deliveries
// that failed (Baton was not listening), as GitHub does; Baton asks for them at start.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEventReceiver, type EventReceiver } from "../support/event-receiver.js";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack;
let receiver: EventReceiver;
let admin: string;
let monitor: string;
let infra: string;

beforeAll(async () => {
  stack = await startStack({
    env: { BATON_ALLOW_PRIVATE_WEBHOOKS: "true", BATON_CATCHUP_INTERVAL_S: "1" },
  });
  [admin, monitor, infra] = await Promise.all([
    stack.createAgent("admin", "admin"),
    stack.createAgent("monitor"),
    stack.createAgent("infra"),
  ]);
  receiver = await startEventReceiver();
  const hook = await stack.api(admin, "POST", "/v1/webhooks", { url: receiver.url, events: ["*"] });
  expect(hook.status).toBe(201);
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

/** A collaborator acting on github.com. */
const asAlice = (method: string, path: string, body?: unknown) =>
  fetch(`${stack.double.url}/api/v3/repos/acme/tasks${path}`, {
    method,
    headers: { authorization: "token user:alice", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, json: (await r.json()) as { number: number } }));

const eventsFor = (id: number) =>
  receiver.received.filter((e) => e.json.task?.id === id).map((e) => e.json.event as string);
const create = async (key: string, content: string) =>
  (await stack.api(key, "POST", "/v1/tasks", { content, allow_duplicate: true })).json as {
    id: number;
  };
/** Waits until the receiver has had nothing new for a while (no timed assertion: a settle wait). */
async function quiet(): Promise<void> {
  await stack.double.waitForWebhooksIdle();
  for (let seen = -1; seen !== receiver.received.length;) {
    seen = receiver.received.length;
    await new Promise((r) => setTimeout(r, 1500));
  }
}

describe("catch-up after downtime", () => {
  it("changes made on github.com while Baton is down become their events once, in order, with roll-ups", async () => {
    const parent = await create(monitor, "Rotate the database credentials");
    const child = (
      await stack.api(monitor, "POST", `/v1/tasks/${parent.id}/delegate`, {
        content: "Rotate the replica's credentials",
        assigned_to_agent_id: "infra",
        allow_duplicate: true,
      })
    ).json as { id: number };
    const other = await create(infra, "Renew the TLS certificate");
    await quiet();
    expect((await stack.api(admin, "GET", `/v1/tasks/${parent.id}`)).json.status).toBe("delegated");
    const before = receiver.received.length;

    await stack.baton.kill();
    expect(
      (
        await asAlice("PATCH", `/issues/${child.id}`, {
          state: "closed",
          state_reason: "completed",
        })
      ).status,
    ).toBe(200);
    expect(
      (await asAlice("POST", `/issues/${other.id}/comments`, { body: "Cert expires Friday" }))
        .status,
    ).toBe(201);
    expect((await asAlice("PATCH", `/issues/${other.id}`, { state: "closed" })).status).toBe(200);
    const opened = await asAlice("POST", "/issues", {
      title: "Page the on-call",
      // A person hands an issue to Baton with the baton:task label (docs/trust.md).
      labels: ["baton:task"],
    });
    await stack.double.waitForWebhooksIdle();
    const missed = stack.double.webhookDeliveries.filter((d) => d.status === "error");
    expect(missed.length).toBeGreaterThanOrEqual(4);

    await stack.restart();
    await receiver.waitFor(
      () =>
        eventsFor(parent.id).includes("task.chain_completed") &&
        eventsFor(opened.json.number).length > 0 &&
        eventsFor(other.id).includes("task.completed"),
      30_000,
    );
    await quiet();
    const after = receiver.received.slice(before);
    const per = (id: number) =>
      after.filter((e) => e.json.task?.id === id).map((e) => e.json.event as string);
    expect(per(child.id)).toEqual(["task.completed"]);
    expect(per(other.id)).toEqual(["task.commented", "task.completed"]);
    expect(per(opened.json.number)).toEqual(["task.created"]);
    expect(per(parent.id)).toEqual(["task.updated", "task.chain_completed"]);
    expect(after.find((e) => e.json.event === "task.commented")?.json).toMatchObject({
      actor: { type: "user", login: "alice" },
      comment: { content: "Cert expires Friday" },
    });
    // The parent left `delegated`: its last child closed while Baton was down.
    expect((await stack.api(admin, "GET", `/v1/tasks/${parent.id}`)).json.status).toBe("open");

    // Another restart and several periodic passes replay nothing twice.
    const count = receiver.received.length;
    await stack.restart();
    await quiet();
    expect(receiver.received.length).toBe(count);
  }, 120_000);

  it("without the deliveries API, changes are read back from the issues and comments", async () => {
    const task = await create(monitor, "Check the backups");
    await quiet();
    const before = receiver.received.length;
    await stack.baton.kill();
    // GitHub Enterprise without the deliveries API, or deliveries older than GitHub keeps.
    stack.double.injectFault({
      route: "GET /app/hook/deliveries",
      kind: "status",
      status: 404,
      times: 1000,
    });
    await asAlice("POST", `/issues/${task.id}/comments`, { body: "Backups verified" });
    await asAlice("PATCH", `/issues/${task.id}`, { state: "closed" });
    await stack.double.waitForWebhooksIdle();
    await stack.restart();
    await receiver.waitFor(() => eventsFor(task.id).includes("task.completed"), 30_000);
    await quiet();
    stack.double.clearFaults();
    const after = receiver.received
      .slice(before)
      .filter((e) => e.json.task?.id === task.id)
      .map((e) => e.json.event as string);
    expect(after).toEqual(["task.commented", "task.completed"]);
  }, 120_000);

  it("a delivery that failed while Baton was up is recovered by the next periodic pass", async () => {
    const task = await create(infra, "Upgrade the kernel");
    await quiet();
    const { url } = stack.baton;
    // Baton stays up, but GitHub cannot reach it for a moment.
    stack.double.setWebhookUrl("http://127.0.0.1:9/unreachable");
    await stack.api(infra, "POST", `/v1/tasks/${task.id}/complete`);
    await stack.double.waitForWebhooksIdle();
    stack.double.setWebhookUrl(`${url}/api/github/webhooks`);
    await receiver.waitFor(() => eventsFor(task.id).includes("task.completed"), 30_000);
    await quiet();
    expect(eventsFor(task.id)).toEqual(["task.created", "task.completed"]);
    expect(
      receiver.received.find(
        (e) => e.json.task?.id === task.id && e.json.event === "task.completed",
      )?.json.agent,
    ).toMatchObject({ id: "infra" });
  }, 60_000);
});
