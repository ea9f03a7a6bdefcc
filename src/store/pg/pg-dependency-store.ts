import { SqliteDependencyStore } from "../dependency-store.js";
import type { PgDatabase } from "./pg-database.js";
import { lockKey } from "./pg-locks.js";

/**
 * Dependencies on PostgreSQL: the same pairs, each change under one lock held to COMMIT. A
 * change reads which tasks are blocked before and after it (src/dependencies/unblock-tracker.ts);
 * SQLite's one write lock (BEGIN IMMEDIATE) keeps a second replica from reading "blocked" in
 * between, so `task.unblocked` is sent once. Here the advisory lock does.
 */
export class PgDependencyStore extends SqliteDependencyStore {
  constructor(private readonly pg: PgDatabase) {
    super(pg);
  }

  override transaction<R>(work: () => R): R {
    if (this.pg.inTransaction) return work();
    return super.transaction(() => {
      this.pg.query("SELECT pg_advisory_xact_lock($1::bigint)", [
        lockKey(this.pg.schema, "dependencies"),
      ]);
      return work();
    });
  }
}
