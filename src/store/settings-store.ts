import { randomBytes } from "node:crypto";
import { prepared, type Db } from "./database.js";

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

/** A version kept in `settings`, "0" until the first change. */
export function readVersion(db: Db, key: string): string {
  return (
    (prepared(db, "SELECT value FROM settings WHERE key = ?").pluck().get(key) as
      string | undefined) ?? "0"
  );
}

/**
 * Makes a change and steps its version in one transaction (the row lock orders replicas' steps),
 * so a replica that sees the new version finds the change.
 */
export function changeVersioned(db: Db, key: string, change: () => unknown): void {
  db.transaction(() => {
    change();
    prepared(
      db,
      `INSERT INTO settings (key, value) VALUES (?, '1')
         ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(settings.value AS INTEGER) + 1 AS TEXT)`,
    ).run(key);
  })();
}
