import type Database from "better-sqlite3";
import type { PgDatabase } from "./pg/pg-database.js";

export class StoreCopyError extends Error {
  override name = "StoreCopyError";
  constructor(
    readonly code: "target_not_empty",
    message: string,
  ) {
    super(message);
  }
}

// Referenced tables before the tables that reference them.
const FIRST = ["webhook_subscriptions", "events", "outbox", "dedup_tasks"];
const BATCH = 200;

/**
 * Copies every table of a SQLite store (both stores already migrated to the same version) into
 * an empty PostgreSQL store, in one transaction: all of it or, on any error, nothing. Ids keep
 * their values and each identity sequence continues after the largest. Returns rows per table.
 */
export function copyStore(from: Database.Database, to: PgDatabase): Record<string, number> {
  const tables = (
    from
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name",
      )
      .pluck()
      .all() as string[]
  ).sort((a, b) => rank(a) - rank(b));
  const targetColumns = columnsOf(to);
  const busy = tables.filter(
    (t) =>
      targetColumns.has(t) && Number(to.query(`SELECT COUNT(*) AS n FROM ${t}`, []).rows[0]!.n) > 0,
  );
  if (busy.length > 0)
    throw new StoreCopyError(
      "target_not_empty",
      `The PostgreSQL store already holds data (${busy.join(", ")}); copy into an empty database or schema`,
    );
  const copied: Record<string, number> = {};
  to.transaction(() => {
    for (const table of tables) {
      const wanted = targetColumns.get(table);
      if (!wanted) continue;
      const columns = (from.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
        .map((c) => c.name)
        .filter((c) => wanted.has(c));
      const rows = from
        .prepare(`SELECT ${columns.join(", ")} FROM ${table}`)
        .raw()
        .all() as unknown[][];
      for (let i = 0; i < rows.length; i += BATCH)
        insert(to, table, columns, rows.slice(i, i + BATCH));
      copied[table] = rows.length;
    }
    continueIdentities(to);
  })();
  return copied;
}

const rank = (table: string) => {
  const i = FIRST.indexOf(table);
  return i < 0 ? (table.startsWith("dedup_") || table === "delivery_attempts" ? 10 : -1) : i;
};

function columnsOf(db: PgDatabase): Map<string, Set<string>> {
  const rows = db.query(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()",
    [],
  ).rows as { table_name: string; column_name: string }[];
  const map = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!map.has(row.table_name)) map.set(row.table_name, new Set());
    map.get(row.table_name)!.add(row.column_name);
  }
  return map;
}

function insert(db: PgDatabase, table: string, columns: string[], rows: unknown[][]): void {
  let n = 0;
  const values = rows.map((row) => `(${row.map(() => `$${++n}`).join(", ")})`).join(", ");
  db.query(
    `INSERT INTO ${table} (${columns.join(", ")}) OVERRIDING SYSTEM VALUE VALUES ${values}`,
    rows.flat(),
  );
}

/** After explicit ids, each identity column's next value follows the largest copied. */
function continueIdentities(db: PgDatabase): void {
  const identities = db.query(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
    [],
  ).rows as { table_name: string; column_name: string }[];
  for (const { table_name: t, column_name: c } of identities) {
    db.query(
      `SELECT setval(pg_get_serial_sequence('${t}', '${c}'), COALESCE((SELECT MAX(${c}) FROM ${t}), 0) + 1, false)`,
      [],
    );
  }
}
