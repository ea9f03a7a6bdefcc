import type { Task } from "../tasks/task-schema.js";
import { prepared, type Db } from "./database.js";

export interface ReadyQuery {
  /** The caller: tasks assigned to another agent are not its work. */
  agentId: string;
  projectSlug?: string | null;
  /**
   * The projects (slugs) whose unassigned tasks the caller may take, when an admin restricted it
   * (tasks assigned to it are its own, in any project); null or absent: every project.
   */
  allowedProjects?: string[] | null;
  labels?: string[];
  /** Leases ending by now count as free (the sweep releases them within a second). */
  now: number;
  limit: number;
}

/** One change to the index, in `seq` order; `task` is null when the issue is no task any more. */
export interface IndexChange {
  seq: number;
  taskId: number;
  task: Task | null;
}

/**
 * The tasks as Baton last saw them: the ready queue's index (issue #17) and the task mirror every
 * read is answered from (issue #20). One row per issue, kept fresh by Baton's own writes, GitHub's
 * webhooks and catch-up, rebuilt from GitHub at start. A cache: GitHub stays the record (a newer
 * `updated_at` always wins), and a write re-reads the issue before it acts.
 */
export interface TaskIndex {
  /** The task as Baton reads it; `open` = the issue is open. */
  upsert(task: Task, open: boolean): void;
  /**
   * The issue is no task (deleted, or never one): kept as a `gone` change for other readers.
   * `updatedAt` is the as seen then: an older view (a late webhook) is ignored, and only
   * a newer one brings the task back. False when a newer view kept the task.
   */
  remove(taskId: number, updatedAt?: string): boolean;
  /** The task as the index holds it (undefined when unknown or gone). */
  entry(taskId: number): { task: Task; open: boolean } | undefined;
  /** The task as last indexed, gone or not: what an event about a task just deleted shows. */
  lastKnown(taskId: number): Task | undefined;
  /** Every change after `seq`, oldest first (at most `limit`). */
  changedSince(seq: number, limit: number): IndexChange[];
  /** The latest change's `seq` (0 when none): a reader that starts now reads changes after it. */
  lastSeq(): number;
  /** The mirror holds every task of the repository (a full read from GitHub finished once). */
  isComplete(): boolean;
  markComplete(): void;
  /** The ids indexed as open that are not in `ids` (closed while Baton was not looking?). */
  openNotIn(ids: number[]): number[];
  /** Ready tasks, best first: open, unclaimed, no open blocker, unassigned or the caller's. */
  readyIds(query: ReadyQuery): number[];
  tasks(ids: number[]): Task[];
  /** The open ones among `ids`, as `tasks` reads them. */
  openTasks(ids: number[]): Task[];
  /** Open tasks that need a look (fleet attention): overdue, failed, reopened `minReopens`+ times. */
  attentionIds(query: { today: string; minReopens: number }): AttentionIds;
}

export interface AttentionIds {
  overdue: number[];
  failed: number[];
  looping: number[];
}

/** Each a range in its own index on (open, …) (migration 175). */
const ATTENTION = {
  overdue: "SELECT task_id FROM task_index WHERE open = 1 AND due_date < ? ORDER BY task_id",
  failed: "SELECT task_id FROM task_index WHERE open = 1 AND status = 'failed' ORDER BY task_id",
  looping: "SELECT task_id FROM task_index WHERE open = 1 AND reopens >= ? ORDER BY task_id",
};

// Ready = open, not delegated/failed/blocked by a person, not held by a live lease, and no open
// task it waits for (task_dependencies: GitHub's "blocked by", as Baton last read it).
const READY = `
  SELECT t.task_id FROM task_index t
  WHERE t.open = 1
    AND t.status IN ('open', 'in_progress')
    AND (t.assignee = @agent OR (t.assignee IS NULL AND (@allowed IS NULL OR EXISTS (
      SELECT 1 FROM json_each(@allowed) a WHERE a.value = t.project_slug))))
    AND (@project IS NULL OR t.project_slug = @project)
    AND NOT EXISTS (
      SELECT 1 FROM task_claims c
      WHERE c.task_id = t.task_id AND c.agent_id IS NOT NULL AND c.lease_expires_at > @now)
    AND NOT EXISTS (
      SELECT 1 FROM task_dependencies d CROSS JOIN task_index b
      WHERE d.task_id = t.task_id AND b.task_id = d.blocker_id AND b.open = 1)
    AND NOT EXISTS (
      SELECT 1 FROM json_each(@labels) l
      WHERE NOT EXISTS (SELECT 1 FROM json_each(t.labels) tl WHERE tl.value = l.value))
  ORDER BY t.priority DESC, t.created_at, t.task_id
  LIMIT @limit`;

/** The lock every write that takes a new `seq` holds (on PostgreSQL; see `inSeqOrder`). */
export const SEQ_LOCK = "task_index:seq";

/**
 * Runs a write that takes the next `seq` so that seqs become visible in their order. SQLite has
 * one writer. On PostgreSQL two replicas could both read the same MAX(seq), or commit 12 before
 * 11, and a reader that has seen 12 would skip 11 for good: the write holds one lock to COMMIT.
 */
export function inSeqOrder<T>(db: Db, write: () => T): T {
  if (!db.lockInTransaction) return write();
  return db.transaction(() => {
    db.lockInTransaction!(SEQ_LOCK);
    return write();
  })();
}

export class SqliteTaskIndex implements TaskIndex {
  constructor(private readonly db: Db) {}

  upsert(task: Task, open: boolean): void {
    inSeqOrder(this.db, () => this.#upsert(task, open));
  }

  #upsert(task: Task, open: boolean): void {
    // The same answer read twice (a write, then its webhook) is no change: it takes no new seq.
    prepared(
      this.db,
      `INSERT INTO task_index (task_id, open, status, priority, assignee, created_by, project_slug, labels, due_date, created_at, updated_at, task, seq, gone)
       VALUES (@id, @open, @status, @priority, @assignee, @created_by, @project, @labels, @due_date, @created_at, @updated_at, @task,
         (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_index), 0)
       ON CONFLICT (task_id) DO UPDATE SET open = excluded.open, status = excluded.status,
         reopens = task_index.reopens + CASE WHEN task_index.open = 0 AND excluded.open = 1 THEN 1 ELSE 0 END,
         priority = excluded.priority, assignee = excluded.assignee, created_by = excluded.created_by,
         project_slug = excluded.project_slug, labels = excluded.labels, due_date = excluded.due_date,
         created_at = excluded.created_at,
         updated_at = excluded.updated_at, task = excluded.task, seq = excluded.seq, gone = 0
       WHERE (task_index.gone = 1 AND excluded.updated_at > task_index.updated_at)
         OR (task_index.gone = 0 AND excluded.updated_at >= task_index.updated_at
           AND (excluded.task <> task_index.task OR excluded.open <> task_index.open))`,
    ).run({
      id: task.id,
      open: open ? 1 : 0,
      status: task.status,
      priority: task.priority,
      assignee: task.assigned_to_agent_id,
      created_by: task.created_by_agent_id,
      project: task.project?.slug ?? null,
      labels: JSON.stringify(task.labels),
      due_date: task.due_date,
      created_at: task.created_at,
      updated_at: task.updated_at,
      task: JSON.stringify(task),
    });
  }

  remove(taskId: number, updatedAt?: string): boolean {
    return inSeqOrder(this.db, () => this.#remove(taskId, updatedAt));
  }

  #remove(taskId: number, updatedAt?: string): boolean {
    const { changes } = prepared(
      this.db,
      `UPDATE task_index SET gone = 1, open = 0, seq = (SELECT MAX(seq) + 1 FROM task_index),
         updated_at = COALESCE(@updated_at, updated_at)
       WHERE task_id = @id AND gone = 0 AND (@updated_at IS NULL OR @updated_at >= updated_at)`,
    ).run({ id: taskId, updated_at: updatedAt ?? null });
    return changes > 0 || this.entry(taskId) === undefined;
  }

  entry(taskId: number): { task: Task; open: boolean } | undefined {
    const row = prepared(
      this.db,
      "SELECT task, open FROM task_index WHERE task_id = ? AND gone = 0",
    ).get(taskId) as { task: string; open: number } | undefined;
    return row && { task: JSON.parse(row.task) as Task, open: row.open === 1 };
  }

  lastKnown(taskId: number): Task | undefined {
    const task = prepared(this.db, "SELECT task FROM task_index WHERE task_id = ?")
      .pluck()
      .get(taskId) as string | undefined;
    return task === undefined ? undefined : (JSON.parse(task) as Task);
  }

  changedSince(seq: number, limit: number): IndexChange[] {
    const rows = prepared(
      this.db,
      "SELECT seq, task_id, gone, task FROM task_index WHERE seq > ? ORDER BY seq LIMIT ?",
    ).all(seq, limit) as { seq: number; task_id: number; gone: number; task: string }[];
    return rows.map((row) => ({
      seq: row.seq,
      taskId: row.task_id,
      task: row.gone ? null : (JSON.parse(row.task) as Task),
    }));
  }

  lastSeq(): number {
    return prepared(this.db, "SELECT COALESCE(MAX(seq), 0) FROM task_index")
      .pluck()
      .get() as number;
  }

  isComplete(): boolean {
    return (
      prepared(this.db, "SELECT 1 FROM settings WHERE key = 'task_mirror_complete'").get() !==
      undefined
    );
  }

  markComplete(): void {
    prepared(
      this.db,
      "INSERT OR IGNORE INTO settings (key, value) VALUES ('task_mirror_complete', ?)",
    ).run(new Date().toISOString());
  }

  openNotIn(ids: number[]): number[] {
    return prepared(
      this.db,
      "SELECT task_id FROM task_index WHERE open = 1 AND task_id NOT IN (SELECT value FROM json_each(?))",
    )
      .pluck()
      .all(JSON.stringify(ids)) as number[];
  }

  readyIds(query: ReadyQuery): number[] {
    return prepared(this.db, READY)
      .pluck()
      .all({
        agent: query.agentId,
        project: query.projectSlug ?? null,
        allowed: query.allowedProjects ? JSON.stringify(query.allowedProjects) : null,
        labels: JSON.stringify(query.labels ?? []),
        now: query.now,
        limit: query.limit,
      }) as number[];
  }

  tasks(ids: number[], openOnly = false): Task[] {
    const rows = prepared(
      this.db,
      `SELECT task_id, task FROM task_index WHERE gone = 0 AND task_id IN (SELECT value FROM json_each(?))${openOnly ? " AND open = 1" : ""}`,
    ).all(JSON.stringify(ids)) as { task_id: number; task: string }[];
    const byId = new Map(rows.map((row) => [row.task_id, JSON.parse(row.task) as Task]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  openTasks(ids: number[]): Task[] {
    return this.tasks(ids, true);
  }

  attentionIds(query: { today: string; minReopens: number }): AttentionIds {
    const ids = (sql: string, ...params: unknown[]) =>
      prepared(this.db, sql)
        .pluck()
        .all(...params) as number[];
    return {
      overdue: ids(ATTENTION.overdue, query.today),
      failed: ids(ATTENTION.failed),
      looping: ids(ATTENTION.looping, query.minReopens),
    };
  }
}
