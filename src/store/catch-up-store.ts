import { prepared, type Db } from "./database.js";

const CURSOR = "catch_up_since";

/**
 * What catch-up (DESIGN §6a) remembers: how far back it has looked, and which missed GitHub
 * deliveries it has already replayed (by guid), so a replay is never repeated.
 */
export class SqliteCatchUpStore {
  constructor(private readonly db: Db) {}

  /** The moment up to which every change has been seen; undefined before the first run. */
  cursor(): string | undefined {
    return prepared(this.db, "SELECT value FROM settings WHERE key = ?").pluck().get(CURSOR) as
      string | undefined;
  }

  setCursor(at: string): void {
    prepared(
      this.db,
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(CURSOR, at);
  }

  isRecovered(guid: string): boolean {
    return (
      prepared(this.db, "SELECT 1 FROM catch_up_recovered WHERE guid = ?").get(guid) !== undefined
    );
  }

  markRecovered(guid: string, at: string): void {
    prepared(
      this.db,
      "INSERT OR IGNORE INTO catch_up_recovered (guid, recovered_at) VALUES (?, ?)",
    ).run(guid, at);
  }

  /** GitHub keeps deliveries for days, not forever: older marks can go. */
  purgeOlderThan(at: string): void {
    prepared(this.db, "DELETE FROM catch_up_recovered WHERE recovered_at < ?").run(at);
  }
}
