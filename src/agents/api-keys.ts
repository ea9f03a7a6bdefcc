import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Agent API keys: `bat_` + 32 random bytes (base64url). Only a keyed hash (HMAC-SHA256 with the
 * server's pepper) and a short visible prefix are stored. A single HMAC costs microseconds, unlike
 * a password KDF: keys are random, so a slow hash buys nothing.
 */
export const KEY_PREFIX = "bat_";

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString("base64url");
}

export function hashApiKey(key: string, pepper: string): string {
  return createHmac("sha256", pepper).update(key).digest("hex");
}

export function visiblePrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 6);
}

/** Constant-time comparison of two hex hashes. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}
