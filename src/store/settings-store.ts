import { randomBytes } from "node:crypto";
import type { Db } from "./database.js";

/** Small server-wide values, e.g. the pepper for API-key hashes, generated on first use. */
export function getOrCreateSetting(db: Db, key: string, create: () => string): string {
  const existing = db.prepare("SELECT value FROM settings WHERE key = ?").pluck().get(key) as
    string | undefined;
  if (existing !== undefined) return existing;
  db.prepare("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)").run(key, create());
  return db.prepare("SELECT value FROM settings WHERE key = ?").pluck().get(key) as string;
}

export function keyPepper(db: Db, configured: string | undefined): string {
  return configured ?? getOrCreateSetting(db, "key_pepper", () => randomBytes(32).toString("hex"));
}
