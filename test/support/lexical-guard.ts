// A duplicate guard with the lexical method (no model) over a fresh in-memory store.
import Database from "better-sqlite3";
import { DedupService } from "../../src/dedup/index.js";
import { DuplicateGuard } from "../../src/services/duplicate-guard.js";
import { migrate } from "../../src/store/database.js";
import { DedupStore } from "../../src/store/dedup-store.js";
import type { TaskIndex } from "../../src/store/task-index-store.js";

/**
 * `db`: a store to share (several "replicas" in one test); `changes`: the shared task index the
 * guard catches up from before each check.
 */
export async function lexicalGuard(
  options: { db?: Database.Database; changes?: Pick<TaskIndex, "changedSince" | "lastSeq"> } = {},
): Promise<{ guard: DuplicateGuard; db: Database.Database }> {
  const db = options.db ?? new Database(":memory:");
  migrate(db);
  const service = await DedupService.create({
    method: "lexical",
    scope: "repo",
    onError: "fail",
    store: new DedupStore(db),
  });
  return { guard: new DuplicateGuard(service, undefined, options.changes), db };
}
