import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { migrations } from "./migrations.js";

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** The part of a better-sqlite3 statement the stores use; PgDatabase offers the same. */
export interface DbStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): RunResult;
  pluck(toggle?: boolean): DbStatement;
}

/** A transaction to run: call it (deferred) or `.immediate()` (take the write lock first). */
export type DbTransaction<T> = (() => T) & { immediate: () => T };

/**
 * The store's database: better-sqlite3's (the default) or PostgreSQL's behind the same
 * synchronous surface (src/store/pg/pg-database.ts, selected by DATABASE_URL).
 */
export interface Db {
  /** Set on PostgreSQL; absent on SQLite. */
  readonly dialect?: "postgres";
  /**
   * PostgreSQL only: takes the lock `name` inside the current transaction, held to its COMMIT and
   * respected by every replica (what SQLite's one write lock gives a transaction for free).
   */
  lockInTransaction?(name: string): void;
  prepare(sql: string): DbStatement;
  exec(sql: string): unknown;
  transaction<T>(fn: () => T): DbTransaction<T>;
  readonly inTransaction: boolean;
  readonly open: boolean;
  close(): unknown;
}

/** Opens (creating if needed) the SQLite store and brings its schema up to date. */
export function openDatabase(path: string): Database.Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}

/** Runs each migration not yet applied, each in its own transaction, in version order. */
export function migrate(db: Database.Database): void {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
  );
  const applied = new Set(
    db.prepare("SELECT version FROM schema_migrations").pluck().all() as number[],
  );
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  for (const migration of ordered) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    })();
  }
}

const statements = new WeakMap<Db, Map<string, DbStatement>>();

/** A prepared statement, compiled once per database and reused (preparing costs more than running). */
export function prepared(db: Db, sql: string): DbStatement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = db.prepare(sql)));
  return statement;
}
