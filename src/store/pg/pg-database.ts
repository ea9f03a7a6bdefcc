import type { Db, DbStatement, DbTransaction, RunResult } from "../database.js";
import { pgBridge, type Bridge } from "./pg-bridge.js";
import { lockKey, PgLocks } from "./pg-locks.js";
import { toPostgres, type PgStatementText } from "./sqlite-to-pg.js";

type Params = unknown[];

/** SQLite binds no booleans or undefined; PostgreSQL gets what SQLite would have stored. */
const bindable = (value: unknown): unknown =>
  value === undefined ? null : typeof value === "boolean" ? (value ? 1 : 0) : value;

/** Rows cross the thread by structured clone: BYTEA arrives as Uint8Array, stores expect Buffer. */
function fromWorker(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    const value = row[key];
    if (value instanceof Uint8Array && !Buffer.isBuffer(value))
      row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return row;
}

class PgStatement implements DbStatement {
  #pluck = false;

  constructor(
    private readonly db: PgDatabase,
    private readonly statement: PgStatementText,
  ) {}

  pluck(toggle = true): this {
    this.#pluck = toggle;
    return this;
  }

  get(...params: Params): unknown {
    return this.all(...params)[0];
  }

  all(...params: Params): unknown[] {
    const rows = this.db.query(this.statement.text, this.#bind(params)).rows.map(fromWorker);
    return this.#pluck ? rows.map((row) => Object.values(row)[0]) : rows;
  }

  run(...params: Params): RunResult {
    const { rowCount } = this.db.query(this.statement.text, this.#bind(params));
    const db = this.db;
    return {
      changes: rowCount,
      // Read only when asked (few callers want it): the id the insert just drew, this session.
      get lastInsertRowid() {
        return db.query("SELECT lastval() AS id", []).rows[0]!.id as number;
      },
    };
  }

  #bind(params: Params): unknown[] {
    const { names } = this.statement;
    if (!names) return params.map(bindable);
    const values = (params[0] ?? {}) as Record<string, unknown>;
    return names.map((name) => bindable(values[name]));
  }
}

/**
 * A PostgreSQL database behind the same synchronous surface as better-sqlite3, so every store
 * runs unchanged on either: statements are translated once (sqlite-to-pg.ts) and run through the
 * bridge on this store's own connection; transactions are BEGIN … COMMIT on it, nested ones
 * savepoints. Cross-replica exclusion that a transaction alone does not give is the stores' job
 * (e.g. PgClaimStore locks the task's row).
 */
export class PgDatabase implements Db {
  readonly dialect = "postgres" as const;
  readonly #bridge: Bridge;
  readonly #handle: number;
  readonly #statements = new Map<string, PgStatementText>();
  #depth = 0;
  #closed = false;

  /** Cross-replica locks held across async work, on their own pool (never the bridge). */
  readonly locks: PgLocks;

  private constructor(
    bridge: Bridge,
    handle: number,
    url: string,
    /** The schema this store lives in; it also namespaces advisory lock keys. */
    readonly schema: string,
  ) {
    this.#bridge = bridge;
    this.#handle = handle;
    this.locks = new PgLocks(url, schema);
  }

  static open(url: string, schema?: string): PgDatabase {
    const bridge = pgBridge();
    const { handle } = bridge({ op: "open", url, schema });
    return new PgDatabase(bridge, handle!, url, schema ?? "public");
  }

  get inTransaction(): boolean {
    return this.#depth > 0;
  }

  get open(): boolean {
    return !this.#closed;
  }

  query(sql: string, params: unknown[]): { rows: Record<string, unknown>[]; rowCount: number } {
    const result = this.#bridge({ op: "query", handle: this.#handle, sql, params });
    return { rows: result.rows ?? [], rowCount: result.rowCount ?? 0 };
  }

  prepare(sql: string): DbStatement {
    let statement = this.#statements.get(sql);
    if (!statement) this.#statements.set(sql, (statement = toPostgres(sql)));
    return new PgStatement(this, statement);
  }

  exec(sql: string): this {
    this.query(sql, []);
    return this;
  }

  lockInTransaction(name: string): void {
    if (this.#depth === 0) throw new Error(`lockInTransaction("${name}") outside a transaction`);
    this.query("SELECT pg_advisory_xact_lock($1::bigint)", [lockKey(this.schema, name)]);
  }

  transaction<T>(fn: () => T): DbTransaction<T> {
    const run = (): T => {
      const savepoint = this.#depth > 0 ? `sp${this.#depth}` : undefined;
      this.exec(savepoint ? `SAVEPOINT ${savepoint}` : "BEGIN");
      this.#depth++;
      let result: T;
      try {
        result = fn();
      } catch (error) {
        this.#depth--;
        this.exec(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}` : "ROLLBACK");
        throw error;
      }
      this.#depth--;
      try {
        this.exec(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : "COMMIT");
      } catch (error) {
        // A failed COMMIT has already ended the transaction; a failed RELEASE has not.
        if (savepoint) this.exec(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        throw error;
      }
      return result;
    };
    // SQLite's IMMEDIATE takes the one write lock; PostgreSQL locks rows (see PgClaimStore).
    return Object.assign(run, { immediate: run });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#bridge({ op: "close", handle: this.#handle });
    void this.locks.close();
  }
}
