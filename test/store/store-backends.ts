import { randomBytes } from "node:crypto";
import { openDatabase, type Db } from "../../src/store/database.js";
import { openStore } from "../../src/store/open-store.js";

/** PostgreSQL for the store tests: BATON_TEST_DATABASE_URL (`.ci/run` sets it). */
export const testDatabaseUrl = process.env.BATON_TEST_DATABASE_URL || undefined;

/** A schema no other run uses: parallel runs on one database never meet. */
export const freshSchema = (prefix = "t") =>
  `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;

export interface Backend {
  name: "sqlite" | "postgres";
  /** A new, empty, migrated store. */
  open(): Db;
  /** Removes what `open` made (the PostgreSQL schema). */
  dispose(db: Db): void;
}

const sqlite: Backend = {
  name: "sqlite",
  open: () => openDatabase(":memory:"),
  dispose: (db) => void db.close(),
};

const postgres = (url: string): Backend => ({
  name: "postgres",
  open: () => openStore({ path: "", url, schema: freshSchema() }),
  dispose: (db) => {
    const schema = (db as unknown as { schema: string }).schema;
    db.exec(`DROP SCHEMA "${schema}" CASCADE`);
    db.close();
  },
});

/** SQLite always; PostgreSQL when BATON_TEST_DATABASE_URL is set (else said loudly, once). */
export function storeBackends(): Backend[] {
  if (testDatabaseUrl) return [sqlite, postgres(testDatabaseUrl)];
  console.warn(
    "\n*** BATON_TEST_DATABASE_URL is not set: the PostgreSQL half of the store tests was SKIPPED (SQLite only). ***\n",
  );
  return [sqlite];
}
