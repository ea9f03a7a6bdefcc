import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { DeliveryWorker } from "../../src/events/delivery-worker.js";
import type { SendResult } from "../../src/events/http-sender.js";
import { delegaSignature } from "../../src/events/signing.js";
import { inProcessEvents, taskIssue } from "../support/in-process-events.js";

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
  answer: (result: SendResult) => void;
}

/** A receiver that answers each delivery when the test says so. */
function heldReceiver() {
  const sent: Sent[] = [];
  const waiters: (() => void)[] = [];
  return {
    sent,
    send: (url: string, headers: Record<string, string>, body: string) =>
      new Promise<SendResult>((answer) => {
        sent.push({ url, headers, body, answer });
        for (const wake of waiters.splice(0)) wake();
      }),
    /** Resolves once `count` deliveries reached the receiver. */
    async until(count: number) {
      while (sent.length < count) await new Promise<void>((r) => waiters.push(r));
    },
  };
}

const status = (code: number | null): SendResult => ({
  status: code,
  durationMs: 5,
  error: code === null ? "connection refused" : null,
});
const settle = () => new Promise((r) => setTimeout(r, 5));

async function setup(options: { maxAttempts?: number; disableAfter?: number } = {}) {
  const t = inProcessEvents(["monitor"]);
  const sub = t.subscribe("monitor");
  const receiver = heldReceiver();
  const logged: string[] = [];
  const worker = new DeliveryWorker({
    outbox: t.outbox,
    subscriptions: t.subscriptions,
    sender: { send: receiver.send },
    policy: { baseMs: 1, factor: 1, capMs: 1, maxAttempts: options.maxAttempts ?? 3 },
    disableAfter: options.disableAfter ?? 5,
    concurrency: 4,
    // A real clock: retries fall due, and Standard Webhooks refuses old timestamps.
    log: (message) => logged.push(message),
  });
  const record = async (number: number, event: "task.created" | "task.updated") =>
    t.relay.record({
      event,
      task: await t.tasks.toTask(taskIssue({ number })),
      agentId: "monitor",
    });
  const states = () =>
    t.db
      .prepare(
        "SELECT issue_number, state, attempts, last_status, last_error FROM outbox ORDER BY seq",
      )
      .all();
  return { t, sub, receiver, worker, record, states, logged };
}

describe("DeliveryWorker: the outbox, sent in order, retried, and given up on", () => {
  it("a delivery is signed both ways and marked delivered after a 2xx", async () => {
    const { sub, receiver, worker, record, states } = await setup();
    const event = await record(7, "task.created");
    worker.start();
    await receiver.until(1);
    const [sent] = receiver.sent;
    sent!.answer(status(204));
    await settle();
    worker.stop();
    const { headers, body } = sent!;
    expect(JSON.parse(body)).toMatchObject({
      id: event.id,
      event: "task.created",
      task: { id: 7 },
    });
    expect(headers["x-delega-signature"]).toBe(
      delegaSignature(sub.secret, headers["x-delega-timestamp"]!, body),
    );
    expect(() => new Webhook(sub.secret).verify(body, headers)).not.toThrow();
    const stable = Object.fromEntries(
      Object.entries(headers).filter(([k]) => !/signature|delivery|webhook-id|timestamp/.test(k)),
    );
    expect(stable).toMatchInlineSnapshot(`
      {
        "content-type": "application/json",
        "user-agent": "Baton-Webhooks/1",
        "x-delega-event": "task.created",
      }
    `);
    expect(states()).toMatchInlineSnapshot(`
      [
        {
          "attempts": 1,
          "issue_number": 7,
          "last_error": null,
          "last_status": 204,
          "state": "delivered",
        },
      ]
    `);
  });

  it("one task's events go one at a time, in order; another task's are not held up", async () => {
    const { receiver, worker, record } = await setup();
    await record(7, "task.created");
    await record(7, "task.updated");
    await record(8, "task.created");
    worker.start();
    await receiver.until(2);
    await settle();
    const what = () =>
      receiver.sent
        .map((s) => JSON.parse(s.body) as { event: string; task: { id: number } })
        .map((e) => `#${e.task.id} ${e.event}`);
    expect(what()).toEqual(["#7 task.created", "#8 task.created"]);
    receiver.sent[0]!.answer(status(200));
    await receiver.until(3);
    expect(what()[2]).toBe("#7 task.updated");
    for (const s of receiver.sent.slice(1)) s.answer(status(200));
    await settle();
    worker.stop();
  });

  it("a failure is retried, then given up after the last attempt", async () => {
    const { receiver, worker, record, states } = await setup({ maxAttempts: 2 });
    await record(7, "task.created");
    worker.start();
    await receiver.until(1);
    receiver.sent[0]!.answer(status(500));
    await receiver.until(2);
    receiver.sent[1]!.answer(status(null));
    await settle();
    worker.stop();
    expect(states()).toMatchInlineSnapshot(`
      [
        {
          "attempts": 2,
          "issue_number": 7,
          "last_error": "gave up after 2 attempts: connection refused",
          "last_status": null,
          "state": "failed",
        },
      ]
    `);
  });

  it("410 Gone disables the subscription at once", async () => {
    const { t, sub, receiver, worker, record, logged } = await setup();
    await record(7, "task.created");
    worker.start();
    await receiver.until(1);
    receiver.sent[0]!.answer(status(410));
    await settle();
    worker.stop();
    expect(t.subscriptions.get(sub.id)).toMatchObject({ active: false });
    expect(
      t.subscriptions.get(sub.id)?.disabled_reason?.replace(/dlv_[\w-]+/, "dlv_…"),
    ).toMatchInlineSnapshot(
      `"the receiver answered 410 Gone to delivery dlv_…; subscription disabled"`,
    );
    expect(logged).toEqual(["webhook subscription disabled"]);
  });

  it("repeated failed deliveries disable the subscription; its later events are not sent", async () => {
    const { t, sub, receiver, worker, record } = await setup({ maxAttempts: 1, disableAfter: 2 });
    await record(7, "task.created");
    await record(8, "task.created");
    worker.start();
    await receiver.until(2);
    for (const s of receiver.sent) s.answer(status(503));
    await settle();
    await record(9, "task.created");
    await settle();
    worker.stop();
    expect(receiver.sent).toHaveLength(2);
    expect(t.subscriptions.get(sub.id)?.disabled_reason).toMatchInlineSnapshot(
      `"disabled after 2 consecutive failed deliveries (last: no answer)"`,
    );
  });
});
