import { afterAll, beforeAll, expect, it } from "vitest";
import { startEventReceiver, type EventReceiver } from "../support/event-receiver.js";
import { openedPayload, sendWebhook } from "../support/inbound-webhooks.js";
import { EXAMPLES_REPO } from "../support/inbound-webhooks.js";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack;
let receiver: EventReceiver;
const EVENTS = 1000;

beforeAll(async () => {
  // The real example payloads (@octokit/webhooks-examples) come from Codertocat/Hello-World: serve
  // that repository, since Baton ignores webhooks from any other.
  stack = await startStack({
    repo: EXAMPLES_REPO,
    env: { BATON_ALLOW_PRIVATE_WEBHOOKS: "true", BATON_WEBHOOK_RETRY_BASE_MS: "50" },
  });
  receiver = await startEventReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

it("kill -9 with 1,000 events pending or in flight: after restart every one is delivered", async () => {
  const admin = await stack.createAgent("admin", "admin");
  const hook = await stack.api(admin, "POST", "/v1/webhooks", { url: receiver.url, events: ["*"] });
  expect(hook.status).toBe(201);

  // Phase 1: the receiver acknowledges nothing: some requests hang (in flight when the server
  // dies), the rest fail and wait for their retry.
  let acknowledging = false;
  let hanging = 0;
  receiver.respond = () => {
    if (acknowledging) return 200;
    return hanging++ % 2 === 0 ? new Promise<number>(() => undefined) : 503;
  };
  const accepted: number[] = [];
  for (let start = 0; start < EVENTS; start += 50) {
    const batch = Array.from({ length: Math.min(50, EVENTS - start) }, (_, i) => start + i + 1);
    const statuses = await Promise.all(
      batch.map((n) =>
        sendWebhook(stack.baton.url, "test-webhook-secret", "issues", openedPayload(n)),
      ),
    );
    batch.forEach((n, i) => statuses[i] === 200 && accepted.push(n));
  }
  expect(accepted).toHaveLength(EVENTS);

  expect(hanging).toBeGreaterThan(0);
  await stack.baton.kill();
  acknowledging = true;
  await stack.restart();

  await receiver.waitFor(
    (all) => new Set(all.map((e) => e.json.id as string)).size >= EVENTS,
    45_000,
  );
  const tasks = new Set(receiver.received.map((e) => e.json.task.id as number));
  expect(accepted.filter((n) => !tasks.has(n))).toEqual([]);
  // Each event was acknowledged once: nothing was acknowledged before the crash.
  expect(new Set(receiver.received.map((e) => e.headers["webhook-id"])).size).toBe(
    receiver.received.length,
  );
}, 60_000);
