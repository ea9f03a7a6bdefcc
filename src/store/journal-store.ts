import type { JournalEntry } from "../tasks/task-history.js";
import { prepared, type Db } from "./database.js";

/**
 * The bot's journal of its own writes: which agent caused a change to which issue. GitHub's
 * webhooks only say "the App did it"; this says which agent. Each entry is stamped with the
 * issue's `updated_at` once GitHub answers, so a webhook is matched to the exact write.
 */
export interface Journal {
  /** Records a write about to be made; returns the entry's id for `stamp`. */
  record(issueNumber: number, kind: string, agentId: string): number;
  /** The issue's `updated_at` after the write. */
  stamp(entryId: number, updatedAt: string): void;
  /** The newest agent that wrote this issue (within `withinMs`), if any. */
  lastWriter(issueNumber: number, withinMs?: number): string | undefined;
  /**
   * The agent whose write produced this `updated_at`; else the agent of a write still in flight
   * (not stamped yet, within `pendingMs`), since the webhook can beat GitHub's answer.
   */
  writerOf(issueNumber: number, updatedAt: string, pendingMs?: number): string | undefined;
  /** The kind of Baton's own write that left the issue at `updatedAt` (e.g. "claim"), if any. */
  kindOf(issueNumber: number, updatedAt: string): string | undefined;
  /** Whether Baton journalled a write of this kind on the issue within `withinMs`. */
  wroteRecently(issueNumber: number, kind: string, withinMs?: number): boolean;
  /** Every write Baton journalled for this issue, oldest first (the task's history). */
  entries(issueNumber: number): JournalEntry[];
}

export class SqliteJournal implements Journal {
  constructor(private readonly db: Db) {}

  record(issueNumber: number, kind: string, agentId: string): number {
    return Number(
      prepared(
        this.db,
        "INSERT INTO journal (issue_number, kind, agent_id, created_at) VALUES (?, ?, ?, ?)",
      ).run(issueNumber, kind, agentId, new Date().toISOString()).lastInsertRowid,
    );
  }

  stamp(entryId: number, updatedAt: string): void {
    prepared(this.db, "UPDATE journal SET updated_at = ? WHERE id = ?").run(updatedAt, entryId);
  }

  lastWriter(issueNumber: number, withinMs = 10 * 60_000): string | undefined {
    const since = new Date(Date.now() - withinMs).toISOString();
    return prepared(
      this.db,
      "SELECT agent_id FROM journal WHERE issue_number = ? AND created_at >= ? ORDER BY id DESC LIMIT 1",
    )
      .pluck()
      .get(issueNumber, since) as string | undefined;
  }

  kindOf(issueNumber: number, updatedAt: string): string | undefined {
    return prepared(
      this.db,
      "SELECT kind FROM journal WHERE issue_number = ? AND updated_at = ? ORDER BY id DESC LIMIT 1",
    )
      .pluck()
      .get(issueNumber, updatedAt) as string | undefined;
  }

  wroteRecently(issueNumber: number, kind: string, withinMs = 10 * 60_000): boolean {
    const since = new Date(Date.now() - withinMs).toISOString();
    return (
      prepared(
        this.db,
        "SELECT 1 FROM journal WHERE issue_number = ? AND kind = ? AND created_at >= ? LIMIT 1",
      ).get(issueNumber, kind, since) !== undefined
    );
  }

  entries(issueNumber: number): JournalEntry[] {
    return prepared(
      this.db,
      "SELECT kind, agent_id, created_at, updated_at FROM journal WHERE issue_number = ? ORDER BY id",
    ).all(issueNumber) as JournalEntry[];
  }

  writerOf(issueNumber: number, updatedAt: string, pendingMs = 60_000): string | undefined {
    const exact = prepared(
      this.db,
      "SELECT agent_id FROM journal WHERE issue_number = ? AND updated_at = ? ORDER BY id DESC LIMIT 1",
    )
      .pluck()
      .get(issueNumber, updatedAt) as string | undefined;
    if (exact) return exact;
    const since = new Date(Date.now() - pendingMs).toISOString();
    return prepared(
      this.db,
      "SELECT agent_id FROM journal WHERE issue_number = ? AND updated_at IS NULL AND created_at >= ? ORDER BY id DESC LIMIT 1",
    )
      .pluck()
      .get(issueNumber, since) as string | undefined;
  }
}
