import type { Task } from "../tasks/task-schema.js";
import { prepared, type Db } from "./database.js";

export interface ReadyQuery {
  /** The caller: tasks assigned to another agent are not its work. */
  agentId: string;
  projectSlug?: string | null;
  labels?: string[];
  /** Leases ending by now count as free (the sweep releases them within a second). */
  now: number;
  limit: number;
}

/**
 * The tasks as Baton last saw them, for the ready queue (issue #17): one row per issue, kept
 * fresh by Baton's own writes and GitHub's `issues` webhooks and rebuilt from GitHub at start.
 * A cache: GitHub stays the record, and a claim re-reads the issue before it answers.
 */
export interface TaskIndex {
  /** The task as Baton reads it; `open` = the issue is open (a deleted task is closed too). */
  upsert(task: Task, open: boolean): void;
  remove(taskId: number): void;
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
    AND (t.assignee IS NULL OR t.assignee = @agent)
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

export class SqliteTaskIndex implements TaskIndex {
  constructor(private readonly db: Db) {}

  upsert(task: Task, open: boolean): void {
    prepared(
      this.db,
      `INSERT INTO task_index (task_id, open, status, priority, assignee, created_by, project_slug, labels, due_date, created_at, updated_at, task)
       VALUES (@id, @open, @status, @priority, @assignee, @created_by, @project, @labels, @due_date, @created_at, @updated_at, @task)
       ON CONFLICT (task_id) DO UPDATE SET open = excluded.open, status = excluded.status,
         reopens = task_index.reopens + CASE WHEN task_index.open = 0 AND excluded.open = 1 THEN 1 ELSE 0 END,
         priority = excluded.priority, assignee = excluded.assignee, created_by = excluded.created_by,
         project_slug = excluded.project_slug, labels = excluded.labels, due_date = excluded.due_date,
         created_at = excluded.created_at,
         updated_at = excluded.updated_at, task = excluded.task
       WHERE excluded.updated_at >= task_index.updated_at`,
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

  remove(taskId: number): void {
    prepared(this.db, "DELETE FROM task_index WHERE task_id = ?").run(taskId);
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
        labels: JSON.stringify(query.labels ?? []),
        now: query.now,
        limit: query.limit,
      }) as number[];
  }

  /** The tasks as indexed, with their dependencies as they are now (they change apart). */
  tasks(ids: number[], openOnly = false): Task[] {
    const list = JSON.stringify(ids);
    const rows = prepared(
      this.db,
      `SELECT task_id, task FROM task_index WHERE task_id IN (SELECT value FROM json_each(?))${openOnly ? " AND open = 1" : ""}`,
    ).all(list) as { task_id: number; task: string }[];
    const pairs = prepared(
      this.db,
      `SELECT task_id, blocker_id FROM task_dependencies
       WHERE task_id IN (SELECT value FROM json_each(@ids)) OR blocker_id IN (SELECT value FROM json_each(@ids))
       ORDER BY task_id, blocker_id`,
    ).all({ ids: list }) as { task_id: number; blocker_id: number }[];
    const byId = new Map(
      rows.map((row) => {
        const task = JSON.parse(row.task) as Task;
        return [row.task_id, { ...task, blocked_by: [] as number[], blocking: [] as number[] }];
      }),
    );
    for (const pair of pairs) {
      byId.get(pair.task_id)?.blocked_by.push(pair.blocker_id);
      byId.get(pair.blocker_id)?.blocking.push(pair.task_id);
    }
    for (const task of byId.values()) task.blocking.sort((a, b) => a - b);
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
