import type { ClaimRow } from "../../tasks/lease-rules.js";
import { SqliteClaimStore, type Decision } from "../claim-store.js";
import type { PgDatabase } from "./pg-database.js";
import { lockKey } from "./pg-locks.js";

/**
 * Claims on PostgreSQL: the same records, each change under the task's lock. A transaction lock
 * on the task id (held to COMMIT) makes a second replica wait even while no row exists yet (the
 * first claim of a task), and the row is read `FOR UPDATE`; so two replicas never both read
 * "free" and both claim, which SQLite gets from its one write lock (BEGIN IMMEDIATE).
 */
export class PgClaimStore extends SqliteClaimStore {
  constructor(private readonly pg: PgDatabase) {
    super(pg);
  }

  override update<R>(taskId: number, decide: (row: ClaimRow | undefined) => Decision<R>): R {
    return this.transaction(() => {
      this.pg.query("SELECT pg_advisory_xact_lock($1::bigint)", [
        lockKey(this.pg.schema, `claim:${taskId}`),
      ]);
      return super.update(taskId, decide);
    });
  }

  override get(taskId: number): ClaimRow | undefined {
    // Inside a transaction (an update) the row stays locked until COMMIT.
    const sql = this.pg.inTransaction
      ? "SELECT * FROM task_claims WHERE task_id = $1 FOR UPDATE"
      : "SELECT * FROM task_claims WHERE task_id = $1";
    return this.pg.query(sql, [taskId]).rows[0] as ClaimRow | undefined;
  }
}
