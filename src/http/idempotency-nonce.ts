import { createHash } from "node:crypto";

/** The nonce a create writes into the issue: the same for every retry with one Idempotency-Key. */
export function nonceFor(agentId: string, key: string): string {
  return createHash("sha256").update(`${agentId}\u0000${key}`).digest("hex").slice(0, 32);
}
