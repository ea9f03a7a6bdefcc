import type { WrittenBlock } from "../tasks/metadata-block.js";
import { prepared, type Db } from "./database.js";

/** An edit of a metadata block by someone else than Baton, which Baton did not believe. */
export interface RefusedBlockEdit {
  login: string;
  /** The issue's `updated_at` after the edit. */
  at: string;
  /** Baton wrote its block back (a writer's edit); a stranger's edit is only ignored. */
  restored: boolean;
}

/**
 * What Baton remembers of the metadata blocks (docs/trust.md): the block it last wrote on each
 * issue, which it believes over the one on GitHub, and the edits of it that it did not believe.
 */
export class SqliteBlockStore {
  constructor(private readonly db: Db) {}

  written(issueNumber: number): WrittenBlock | undefined {
    return prepared(
      this.db,
      "SELECT block, updated_at FROM written_blocks WHERE issue_number = ?",
    ).get(issueNumber) as WrittenBlock | undefined;
  }

  /** The records of many issues in one query (a page of a list). */
  writtenMany(issueNumbers: number[]): Map<number, WrittenBlock> {
    if (issueNumbers.length === 0) return new Map();
    const rows = prepared(
      this.db,
      "SELECT issue_number, block, updated_at FROM written_blocks WHERE issue_number IN (SELECT value FROM json_each(?))",
    ).all(JSON.stringify(issueNumbers)) as (WrittenBlock & { issue_number: number })[];
    return new Map(rows.map(({ issue_number, ...written }) => [Number(issue_number), written]));
  }

  /**
   * Baton wrote `block` (null: none) and GitHub answered `updatedAt`. A write's own answer
   * replaces a record of the same moment (Baton writes an issue one write at a time); a webhook
   * (`fromWebhook`) only a record older than it, as it may arrive after a newer write's answer.
   */
  saveWritten(
    issueNumber: number,
    block: string | null,
    updatedAt: string,
    fromWebhook = false,
  ): void {
    prepared(
      this.db,
      `INSERT INTO written_blocks (issue_number, block, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(issue_number) DO UPDATE SET block = excluded.block, updated_at = excluded.updated_at
       WHERE excluded.updated_at > written_blocks.updated_at
          OR (excluded.updated_at = written_blocks.updated_at AND ? = 0)`,
    ).run(issueNumber, block, updatedAt, fromWebhook ? 1 : 0);
  }

  /**
   * The block Baton believed before an edit, when it has no record yet (it has not written the
   * issue since its store began): any write of Baton's later replaces it.
   */
  seed(issueNumber: number, block: string | null): void {
    prepared(
      this.db,
      "INSERT OR IGNORE INTO written_blocks (issue_number, block, updated_at) VALUES (?, ?, '')",
    ).run(issueNumber, block);
  }

  /** Once per edit (a redelivered webhook adds nothing). */
  saveRefused(issueNumber: number, edit: RefusedBlockEdit): void {
    prepared(
      this.db,
      "INSERT OR IGNORE INTO refused_block_edits (issue_number, login, at, restored) VALUES (?, ?, ?, ?)",
    ).run(issueNumber, edit.login, edit.at, edit.restored ? 1 : 0);
  }

  refused(issueNumber: number): RefusedBlockEdit[] {
    const rows = prepared(
      this.db,
      "SELECT login, at, restored FROM refused_block_edits WHERE issue_number = ? ORDER BY id",
    ).all(issueNumber) as { login: string; at: string; restored: number }[];
    return rows.map((row) => ({ ...row, restored: row.restored === 1 }));
  }
}
