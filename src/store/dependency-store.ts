import type { Task } from "../tasks/task-schema.js";
import type { TaskDependencies } from "../tasks/task-view.js";
import { prepared, type Db } from "./database.js";
import { inSeqOrder } from "./task-index-store.js";

/** GitHub's dependency totals of one issue (`issue_dependencies_summary`), every repository's. */
export interface DependencyTotals {
  total_blocked_by: number;
  total_blocking: number;
}

/**
 * The "blocked by" pairs between tasks as GitHub last said (issue #17), so the task fields and
 * the ready queue need no GitHub read. A cache: GitHub is the record. Beside the pairs, per task,
 * GitHub's totals when they were last known to agree, so a read that shows other totals reads
 * the pairs back (src/dependencies/dependency-service.ts).
 */
export interface DependencyStore {
  /** Runs `work` in one write transaction (nested calls join it). */
  transaction<R>(work: () => R): R;
  fields(taskId: number): TaskDependencies;
  /** The tasks `taskId` waits for. */
  blockersOf(taskId: number): number[];
  /** The tasks waiting for `taskId`. */
  dependentsOf(taskId: number): number[];
  /** Adds the pair; false when it was there already (then the totals are left alone). */
  add(taskId: number, blockerId: number): boolean;
  /** Removes the pair; false when it was not there. */
  remove(taskId: number, blockerId: number): boolean;
  /** Sets one side of a task's pairs to exactly `ids` (a read back from GitHub). */
  replace(taskId: number, side: "blocked_by" | "blocking", ids: number[]): void;
  /** Drops every pair of a task that is gone (deleted or transferred on GitHub). */
  forget(taskId: number): void;
  /** GitHub's totals when the pairs last agreed with them; none = no dependencies known. */
  totals(taskId: number): DependencyTotals;
  setTotals(taskId: number, totals: DependencyTotals): void;
  /**
   * Of these tasks, the ones the ready queue's index has open, each with whether an open task
   * blocks it. A task not in the index, or closed, is not in the answer.
   */
  openBlocked(ids: number[]): Map<number, boolean>;
}

const NONE: DependencyTotals = { total_blocked_by: 0, total_blocking: 0 };

export class SqliteDependencyStore implements DependencyStore {
  constructor(private readonly db: Db) {}

  transaction<R>(work: () => R): R {
    // IMMEDIATE: two processes deciding "unblocked" for one task never both decide it.
    return this.db.inTransaction ? work() : this.db.transaction(work).immediate();
  }

  fields(taskId: number): TaskDependencies {
    return { blocked_by: this.blockersOf(taskId), blocking: this.dependentsOf(taskId) };
  }

  blockersOf(taskId: number): number[] {
    return prepared(
      this.db,
      "SELECT blocker_id FROM task_dependencies WHERE task_id = ? ORDER BY blocker_id",
    )
      .pluck()
      .all(taskId) as number[];
  }

  dependentsOf(taskId: number): number[] {
    return prepared(
      this.db,
      "SELECT task_id FROM task_dependencies WHERE blocker_id = ? ORDER BY task_id",
    )
      .pluck()
      .all(taskId) as number[];
  }

  add(taskId: number, blockerId: number): boolean {
    return this.transaction(() => {
      const added =
        prepared(
          this.db,
          "INSERT OR IGNORE INTO task_dependencies (task_id, blocker_id) VALUES (?, ?)",
        ).run(taskId, blockerId).changes > 0;
      if (added) {
        this.#shift(taskId, blockerId, 1);
        this.#show([taskId, blockerId]);
      }
      return added;
    });
  }

  remove(taskId: number, blockerId: number): boolean {
    return this.transaction(() => {
      const removed =
        prepared(this.db, "DELETE FROM task_dependencies WHERE task_id = ? AND blocker_id = ?").run(
          taskId,
          blockerId,
        ).changes > 0;
      if (removed) {
        this.#shift(taskId, blockerId, -1);
        this.#show([taskId, blockerId]);
      }
      return removed;
    });
  }

  replace(taskId: number, side: "blocked_by" | "blocking", ids: number[]): void {
    this.transaction(() => {
      const before = side === "blocked_by" ? this.blockersOf(taskId) : this.dependentsOf(taskId);
      const [mine, theirs] =
        side === "blocked_by" ? ["task_id", "blocker_id"] : ["blocker_id", "task_id"];
      prepared(
        this.db,
        `DELETE FROM task_dependencies WHERE ${mine} = ? AND ${theirs} NOT IN (SELECT value FROM json_each(?))`,
      ).run(taskId, JSON.stringify(ids));
      const insert = prepared(
        this.db,
        `INSERT OR IGNORE INTO task_dependencies (${mine}, ${theirs}) VALUES (?, ?)`,
      );
      for (const id of ids) insert.run(taskId, id);
      this.#show([taskId, ...before, ...ids]);
    });
  }

  forget(taskId: number): void {
    this.transaction(() => {
      const partners = [...this.blockersOf(taskId), ...this.dependentsOf(taskId)];
      prepared(this.db, "DELETE FROM task_dependencies WHERE task_id = ? OR blocker_id = ?").run(
        taskId,
        taskId,
      );
      prepared(this.db, "DELETE FROM dependency_totals WHERE task_id = ?").run(taskId);
      this.#show(partners);
    });
  }

  totals(taskId: number): DependencyTotals {
    const row = prepared(
      this.db,
      "SELECT total_blocked_by, total_blocking FROM dependency_totals WHERE task_id = ?",
    ).get(taskId) as DependencyTotals | undefined;
    return row ?? NONE;
  }

  setTotals(taskId: number, totals: DependencyTotals): void {
    prepared(
      this.db,
      `INSERT INTO dependency_totals (task_id, total_blocked_by, total_blocking) VALUES (?, ?, ?)
       ON CONFLICT (task_id) DO UPDATE SET total_blocked_by = excluded.total_blocked_by,
         total_blocking = excluded.total_blocking`,
    ).run(taskId, totals.total_blocked_by, totals.total_blocking);
  }

  openBlocked(ids: number[]): Map<number, boolean> {
    const rows = prepared(
      this.db,
      `SELECT t.task_id, CASE WHEN EXISTS (
         SELECT 1 FROM task_dependencies d CROSS JOIN task_index b
         WHERE d.task_id = t.task_id AND b.task_id = d.blocker_id AND b.open = 1) THEN 1 ELSE 0 END AS blocked
       FROM task_index t WHERE t.open = 1 AND t.task_id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(ids)) as { task_id: number; blocked: number }[];
    return new Map(rows.map((row) => [row.task_id, row.blocked === 1]));
  }

  /**
   * The pairs are part of the tasks the API shows: a task whose pairs changed is written into the
   * task index again (its row's task, a new seq), so the task mirror and every process reading it
   * see the change (src/services/task-mirror.ts). A task the index does not hold is left alone.
   */
  #show(ids: number[]): void {
    for (const id of new Set(ids)) {
      const row = prepared(
        this.db,
        "SELECT task FROM task_index WHERE task_id = ? AND gone = 0",
      ).get(id) as { task: string } | undefined;
      if (!row) continue;
      const task = JSON.parse(row.task) as Task;
      const fields = this.fields(id);
      if (sameIds(task.blocked_by, fields.blocked_by) && sameIds(task.blocking, fields.blocking))
        continue;
      inSeqOrder(this.db, () =>
        prepared(
          this.db,
          "UPDATE task_index SET task = ?, seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_index) WHERE task_id = ?",
        ).run(JSON.stringify({ ...task, ...fields }), id),
      );
    }
  }

  /**
   * One pair more or less, mirrored in the totals GitHub will now show, so a later read whose
   * summary agrees needs no read back (a pair GitHub had that Baton missed keeps them apart).
   */
  #shift(taskId: number, blockerId: number, delta: number): void {
    const ensure = prepared(
      this.db,
      "INSERT OR IGNORE INTO dependency_totals (task_id, total_blocked_by, total_blocking) VALUES (?, 0, 0)",
    );
    ensure.run(taskId);
    ensure.run(blockerId);
    // CASE, not max(): PostgreSQL has no two-argument max.
    prepared(
      this.db,
      `UPDATE dependency_totals SET total_blocked_by =
         CASE WHEN total_blocked_by + @delta < 0 THEN 0 ELSE total_blocked_by + @delta END
       WHERE task_id = @id`,
    ).run({ delta, id: taskId });
    prepared(
      this.db,
      `UPDATE dependency_totals SET total_blocking =
         CASE WHEN total_blocking + @delta < 0 THEN 0 ELSE total_blocking + @delta END
       WHERE task_id = @id`,
    ).run({ delta, id: blockerId });
  }
}

const sameIds = (a: number[] | undefined, b: number[]) =>
  a !== undefined && a.length === b.length && a.every((id, i) => id === b[i]);
