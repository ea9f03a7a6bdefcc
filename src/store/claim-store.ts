import type { ClaimRow } from "../tasks/lease-rules.js";
import { prepared, type Db } from "./database.js";

/**
 * Claim records (issue #17). Every change is read-decide-write inside one immediate transaction
 * on the database, never a lock in this process, so several Baton processes on one database (or a
 * PostgreSQL store with `SELECT … FOR UPDATE`) cannot both take a task.
 */
export interface ClaimStore {
  get(taskId: number): ClaimRow | undefined;
  /** Reads the record, lets `decide` compute the next one and writes it, atomically. */
  update<R>(taskId: number, decide: (row: ClaimRow | undefined) => Decision<R>): R;
  /** Runs `work` in one write transaction (nested `update`s join it). */
  transaction<R>(work: () => R): R;
  /** Tasks whose lease ended by `now` but that are still held. */
  expiredIds(now: number): number[];
  /** Records whose latest change GitHub does not show yet. */
  unshown(limit: number): ClaimRow[];
  /** GitHub now shows `version` (a newer change stays unshown). */
  markShown(taskId: number, version: number): void;
  /** Every held record (live or expired-unswept), for lists and triage. */
  held(): ClaimRow[];
  /** Records whose last holder's lease ran out and that nobody has claimed since (triage). */
  abandoned(): ClaimRow[];
  recordOverride(entry: {
    taskId: number;
    agentId: string;
    holder: string;
    action: string;
    at: string;
  }): void;
}

export interface Decision<R> {
  next?: ClaimRow;
  result: R;
}

const COLUMNS = [
  "task_id",
  "agent_id",
  "token",
  "lease_expires_at",
  "claimed_at",
  "heartbeat_at",
  "session_state",
  "session_state_detail",
  "handoff_note",
  "handoff_by_agent_id",
  "handoff_state",
  "released_at",
  "release_reason",
  "version",
  "shown_version",
] as const satisfies readonly (keyof ClaimRow)[];

const UPSERT = `INSERT INTO task_claims (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((c) => `@${c}`).join(", ")})
  ON CONFLICT (task_id) DO UPDATE SET ${COLUMNS.filter(
    (c) => c !== "task_id" && c !== "shown_version",
  )
    .map((c) => `${c} = excluded.${c}`)
    .join(", ")}`;

export class SqliteClaimStore implements ClaimStore {
  constructor(private readonly db: Db) {}

  get(taskId: number): ClaimRow | undefined {
    return prepared(this.db, "SELECT * FROM task_claims WHERE task_id = ?").get(taskId) as
      ClaimRow | undefined;
  }

  update<R>(taskId: number, decide: (row: ClaimRow | undefined) => Decision<R>): R {
    return this.transaction(() => {
      const { next, result } = decide(this.get(taskId));
      if (next) prepared(this.db, UPSERT).run(next);
      return result;
    });
  }

  transaction<R>(work: () => R): R {
    // IMMEDIATE takes the write lock first: two processes never both read "free" and both claim.
    return this.db.inTransaction ? work() : this.db.transaction(work).immediate();
  }

  expiredIds(now: number): number[] {
    return prepared(
      this.db,
      "SELECT task_id FROM task_claims WHERE agent_id IS NOT NULL AND lease_expires_at <= ? ORDER BY lease_expires_at",
    )
      .pluck()
      .all(now) as number[];
  }

  unshown(limit: number): ClaimRow[] {
    return prepared(
      this.db,
      "SELECT * FROM task_claims WHERE shown_version < version ORDER BY task_id LIMIT ?",
    ).all(limit) as ClaimRow[];
  }

  markShown(taskId: number, version: number): void {
    prepared(
      this.db,
      "UPDATE task_claims SET shown_version = ? WHERE task_id = ? AND shown_version < ?",
    ).run(version, taskId, version);
  }

  held(): ClaimRow[] {
    return prepared(
      this.db,
      "SELECT * FROM task_claims WHERE agent_id IS NOT NULL ORDER BY task_id",
    ).all() as ClaimRow[];
  }

  abandoned(): ClaimRow[] {
    return prepared(
      this.db,
      "SELECT * FROM task_claims WHERE agent_id IS NULL AND release_reason = 'lease_expired' ORDER BY task_id",
    ).all() as ClaimRow[];
  }

  recordOverride(entry: {
    taskId: number;
    agentId: string;
    holder: string;
    action: string;
    at: string;
  }): void {
    prepared(
      this.db,
      "INSERT INTO claim_overrides (task_id, agent_id, holder_agent_id, action, at) VALUES (?, ?, ?, ?, ?)",
    ).run(entry.taskId, entry.agentId, entry.holder, entry.action, entry.at);
  }
}
