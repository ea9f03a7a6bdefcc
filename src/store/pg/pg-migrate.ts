import { migrations } from "../migrations.js";
import type { PgDatabase } from "./pg-database.js";
import { lockKey } from "./pg-locks.js";
import { ddlToPostgres } from "./sqlite-to-pg.js";

/**
 * PostgreSQL forms of migrations whose SQLite DDL does not translate by type names alone
 * (ddlToPostgres); keyed by version. Empty today: every migration translates.
 */
const overrides: Record<number, string> = {};

/**
 * Brings a PostgreSQL schema up to date with the same numbered migrations as SQLite, once even
 * when several replicas start together: the first takes an advisory lock, the others wait for it
 * and then find nothing left to apply. Each migration runs in its own transaction.
 */
export function migratePg(db: PgDatabase): void {
  const key = lockKey(db.schema, "migrations");
  db.query("SELECT pg_advisory_lock($1::bigint)", [key]);
  try {
    db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    );
    const applied = new Set(
      db.query("SELECT version FROM schema_migrations", []).rows.map((r) => Number(r.version)),
    );
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      db.transaction(() => {
        db.exec(overrides[migration.version] ?? ddlToPostgres(migration.sql));
        db.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
          migration.version,
          migration.name,
          new Date().toISOString(),
        ]);
      })();
    }
  } finally {
    db.query("SELECT pg_advisory_unlock($1::bigint)", [key]);
  }
}
