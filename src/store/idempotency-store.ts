import type { Begin, IdempotencyStore } from "../idempotency.js";
import { prepared, type Db } from "./database.js";

export class SqliteIdempotencyStore implements IdempotencyStore {
  /** Keys being handled by this process right now; a pending record not in here was interrupted. */
  readonly #inFlight = new Set<string>();

  constructor(private readonly db: Db) {}

  begin(agentId: string, key: string, fingerprint: string): Begin {
    const id = `${agentId}\u0000${key}`;
    return this.db.transaction((): Begin => {
      const row = prepared(
        this.db,
        "SELECT fingerprint, state, status, response, created_at FROM idempotency WHERE agent_id = ? AND key = ?",
      ).get(agentId, key) as
        | {
            fingerprint: string;
            state: string;
            status: number | null;
            response: string | null;
            created_at: string;
          }
        | undefined;
      if (!row) {
        prepared(
          this.db,
          "INSERT INTO idempotency (agent_id, key, fingerprint, state, created_at) VALUES (?, ?, ?, 'pending', ?)",
        ).run(agentId, key, fingerprint, new Date().toISOString());
        this.#inFlight.add(id);
        return { kind: "new" };
      }
      if (row.fingerprint !== fingerprint) return { kind: "mismatch" };
      if (row.state === "done")
        return {
          kind: "replay",
          status: row.status ?? 200,
          body: JSON.parse(row.response ?? "null"),
        };
      if (this.#inFlight.has(id)) return { kind: "in_flight" };
      this.#inFlight.add(id);
      return { kind: "in_doubt", since: row.created_at };
    })();
  }

  finish(agentId: string, key: string, status: number, body: unknown): void {
    prepared(
      this.db,
      "UPDATE idempotency SET state = 'done', status = ?, response = ? WHERE agent_id = ? AND key = ?",
    ).run(status, JSON.stringify(body), agentId, key);
    this.#inFlight.delete(`${agentId}\u0000${key}`);
  }

  forget(agentId: string, key: string): void {
    prepared(this.db, "DELETE FROM idempotency WHERE agent_id = ? AND key = ?").run(agentId, key);
    this.#inFlight.delete(`${agentId}\u0000${key}`);
  }

  release(agentId: string, key: string): void {
    this.#inFlight.delete(`${agentId}\u0000${key}`);
  }

  /** Answers older than `iso` are forgotten; records in doubt are kept a week for their retry. */
  purgeOlderThan(iso: string): void {
    const week = new Date(Date.parse(iso) - 6 * 86_400_000).toISOString();
    prepared(
      this.db,
      "DELETE FROM idempotency WHERE (state = 'done' AND created_at < ?) OR created_at < ?",
    ).run(iso, week);
  }
}
