import type pg from "pg";

/** PostgreSQL's codes for "that schema exists already" (unique_violation, duplicate_schema). */
const ALREADY_THERE = new Set(["23505", "42P06"]);

/**
 * Creates the store's schema unless it exists. `IF NOT EXISTS` is not safe against itself: when
 * replicas start together on a new schema, all may find it missing and all but one then fail on
 * the catalog's unique index. That one made it, which is all the others wanted.
 */
export async function createSchema(client: pg.Client, schema: string): Promise<void> {
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    if (!ALREADY_THERE.has((error as { code?: string }).code ?? "")) throw error;
  }
}
