import type { Db } from "./database.js";

/**
 * The bot's journal of its own writes: which agent caused a change to which issue. GitHub's
 * webhooks only say "the App did it"; this says which agent.
 */
export interface Journal {
  record(issueNumber: number, kind: string, agentId: string): void;
  /** The newest agent that wrote this issue (within `withinMs`), if any. */
  lastWriter(issueNumber: number, withinMs?: number): string | undefined;
}

export class SqliteJournal implements Journal {
  constructor(private readonly db: Db) {}

  record(issueNumber: number, kind: string, agentId: string): void {
    this.db
      .prepare("INSERT INTO journal (issue_number, kind, agent_id, created_at) VALUES (?, ?, ?, ?)")
      .run(issueNumber, kind, agentId, new Date().toISOString());
  }

  lastWriter(issueNumber: number, withinMs = 10 * 60_000): string | undefined {
    const since = new Date(Date.now() - withinMs).toISOString();
    return this.db
      .prepare(
        "SELECT agent_id FROM journal WHERE issue_number = ? AND created_at >= ? ORDER BY id DESC LIMIT 1",
      )
      .pluck()
      .get(issueNumber, since) as string | undefined;
  }
}
