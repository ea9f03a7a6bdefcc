/**
 * `npm run bench:store-bridge` (issue #18): what one synchronous store call costs on PostgreSQL
 * through the bridge (src/store/pg/pg-bridge.ts), against the same query on an async `pg` client
 * and on SQLite. One JSON line: milliseconds per call (the event loop waits for the bridge's).
 */
import pg from "pg";
import { openDatabase } from "../src/store/database.js";
import { openStore } from "../src/store/open-store.js";
import type { PgDatabase } from "../src/store/pg/pg-database.js";
import { freshSchema } from "../test/store/store-backends.js";

const url = process.env.BATON_TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const N = Number(process.env.BENCH_CALLS ?? 2000);
const SQL = "SELECT value FROM settings WHERE key = ?";

async function main() {
  const db = openStore({ path: "", url, schema: freshSchema("bridge") }) as PgDatabase;
  const statement = db.prepare(SQL);
  for (let i = 0; i < 200; i++) statement.get("x");
  let t = performance.now();
  for (let i = 0; i < N; i++) statement.get("x");
  const bridge = (performance.now() - t) / N;

  const client = new pg.Client(url);
  await client.connect();
  await client.query(`SET search_path TO "${db.schema}"`);
  const text = "SELECT value FROM settings WHERE key = $1";
  for (let i = 0; i < 200; i++) await client.query(text, ["x"]);
  t = performance.now();
  for (let i = 0; i < N; i++) await client.query(text, ["x"]);
  const direct = (performance.now() - t) / N;

  const sqlite = openDatabase(":memory:").prepare(SQL);
  t = performance.now();
  for (let i = 0; i < N; i++) sqlite.get("x");
  const local = (performance.now() - t) / N;

  db.exec(`DROP SCHEMA "${db.schema}" CASCADE`);
  db.close();
  await client.end();
  console.log(
    JSON.stringify({
      calls: N,
      bridge_ms: Number(bridge.toFixed(3)),
      async_pg_ms: Number(direct.toFixed(3)),
      sqlite_ms: Number(local.toFixed(4)),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
