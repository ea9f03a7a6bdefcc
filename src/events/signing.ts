import { createHmac, randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** A subscription secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks' format). */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** ISO 8601 UTC without milliseconds (`2026-11-25T21:00:00Z`), as Delega's verifiers parse it. */
export function delegaTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** `sha256=<hex HMAC-SHA256(secret string's UTF-8 bytes, "<ts>.<raw body>")>`. */
export function delegaSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface SignInput {
  deliveryId: string;
  event: string;
  body: string;
  /** The current secret first; during a rotation's grace period the previous one follows. */
  secrets: string[];
  at: Date;
}

/**
 * Both signatures of DESIGN §6. Standard Webhooks carries one `v1,` signature per secret (space
 * separated, as the spec allows), so a receiver holding either secret verifies. `X-Delega-Signature`
 * is a single value for Delega's verifiers, made with the current secret; during a rotation the
 * previous secret's signature is in `X-Delega-Signature-Previous`.
 */
export function signDelivery(input: SignInput): Record<string, string> {
  const [current, ...previous] = input.secrets;
  if (!current) throw new Error("a subscription without a secret cannot be signed");
  const timestamp = delegaTimestamp(input.at);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Baton-Webhooks/1",
    "x-delega-event": input.event,
    "x-delega-delivery": input.deliveryId,
    "x-delega-timestamp": timestamp,
    "x-delega-signature": delegaSignature(current, timestamp, input.body),
    "webhook-id": input.deliveryId,
    "webhook-timestamp": String(Math.floor(input.at.getTime() / 1000)),
    "webhook-signature": input.secrets
      .map((secret) => new Webhook(secret).sign(input.deliveryId, input.at, input.body))
      .join(" "),
  };
  if (previous[0])
    headers["x-delega-signature-previous"] = delegaSignature(previous[0], timestamp, input.body);
  return headers;
}
