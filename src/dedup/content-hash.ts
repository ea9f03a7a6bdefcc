import { createHash } from "node:crypto";

/** What a cached vector was computed from: the title and body, exactly. */
export function contentHash(content: string, description: string): string {
  return createHash("sha256").update(content).update("\u0000").update(description).digest("hex");
}
