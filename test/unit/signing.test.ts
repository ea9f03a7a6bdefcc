import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { retryDelay, DEFAULT_RETRY } from "../../src/events/backoff.js";
import { delegaTimestamp, generateSecret, signDelivery } from "../../src/events/signing.js";

describe("delivery signatures", () => {
  const body = JSON.stringify({ id: "evt_1", event: "task.completed", task: { id: 7 } });
  const at = new Date("2026-11-25T21:00:00.123Z");

  it("generates whsec_ secrets of 32 random bytes", () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it("signs X-Delega-* as Delega's verifiers check it", () => {
    const secret = generateSecret();
    const headers = signDelivery({
      deliveryId: "dlv_1",
      event: "task.completed",
      body,
      secrets: [secret],
      at,
    });
    expect(headers["x-delega-timestamp"]).toBe("2026-11-25T21:00:00Z");
    expect(delegaTimestamp(at)).toBe("2026-11-25T21:00:00Z");
    const expected = createHmac("sha256", Buffer.from(secret, "utf8"))
      .update(`2026-11-25T21:00:00Z.${body}`)
      .digest("hex");
    expect(headers["x-delega-signature"]).toBe(`sha256=${expected}`);
    expect(headers["x-delega-event"]).toBe("task.completed");
    expect(headers["x-delega-delivery"]).toBe("dlv_1");
  });

  it("signs Standard Webhooks with the decoded key, verifiable by the standardwebhooks package", () => {
    const secret = generateSecret();
    const now = new Date();
    const headers = signDelivery({
      deliveryId: "dlv_2",
      event: "task.created",
      body,
      secrets: [secret],
      at: now,
    });
    expect(headers["webhook-id"]).toBe("dlv_2");
    expect(headers["webhook-timestamp"]).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    // Independent check: HMAC keyed with the base64-decoded bytes after whsec_.
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const mac = createHmac("sha256", key)
      .update(`dlv_2.${headers["webhook-timestamp"]}.${body}`)
      .digest("base64");
    expect(headers["webhook-signature"]).toBe(`v1,${mac}`);
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it("during a rotation both secrets verify", () => {
    const [fresh, old] = [generateSecret(), generateSecret()];
    const headers = signDelivery({
      deliveryId: "dlv_3",
      event: "task.updated",
      body,
      secrets: [fresh, old],
      at: new Date(),
    });
    expect(new Webhook(fresh).verify(body, headers)).toBeTruthy();
    expect(new Webhook(old).verify(body, headers)).toBeTruthy();
    expect(headers["x-delega-signature-previous"]).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});

describe("retry schedule", () => {
  it("backs off exponentially with jitter and gives up after about a day", () => {
    const mid = () => 0.5;
    const delays: number[] = [];
    for (let n = 1; ; n++) {
      const delay = retryDelay(n, DEFAULT_RETRY, mid);
      if (delay === undefined) break;
      delays.push(delay);
    }
    expect(delays).toHaveLength(DEFAULT_RETRY.maxAttempts - 1);
    expect(delays[0]).toBe(2000);
    for (let i = 1; i < delays.length; i++)
      expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
    const total = delays.reduce((a, b) => a + b, 0) / 3600_000;
    expect(total).toBeGreaterThan(20);
    expect(total).toBeLessThan(30);
    expect(retryDelay(1, DEFAULT_RETRY, () => 0)).toBe(1500);
    expect(retryDelay(1, DEFAULT_RETRY, () => 1)).toBe(2500);
  });
});
