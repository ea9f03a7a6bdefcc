import type { DependencyStore } from "../store/dependency-store.js";
import type {
  AttentionIds,
  IndexChange,
  ReadyQuery,
  TaskIndex,
} from "../store/task-index-store.js";
import type { Task } from "../tasks/task-schema.js";
import type { UnblockTracker } from "./unblock-tracker.js";

/**
 * The task index, with one thing added: when a task closes (or is gone) in the index, the tasks
 * that waited for it and wait for nothing else are unblocked (`task.unblocked`). Every way a task
 * closes ends here: Baton's own write, GitHub's webhook, catch-up, the rebuild at start.
 */
export class UnblockingIndex implements TaskIndex {
  constructor(
    private readonly inner: TaskIndex,
    private readonly store: Pick<DependencyStore, "dependentsOf" | "forget">,
    private readonly tracker: UnblockTracker,
  ) {}

  upsert(task: Task, open: boolean): void {
    if (open) return this.inner.upsert(task, open);
    const reason = task.completed ? "blocker_completed" : "blocker_closed";
    this.tracker.around(
      () => this.store.dependentsOf(task.id),
      { reason, cause: { agentId: task.completed_by_agent_id } },
      () => this.inner.upsert(task, open),
    );
  }

  /**
   * A task deleted or moved away on GitHub: its pairs go with it. A late view from before a newer
   * one (see TaskIndex.remove) removes nothing, and its pairs stay.
   */
  remove(taskId: number, updatedAt?: string): boolean {
    return this.tracker.around(
      () => this.store.dependentsOf(taskId),
      { reason: "blocker_deleted", cause: {} },
      () => {
        const gone = this.inner.remove(taskId, updatedAt);
        if (gone) this.store.forget(taskId);
        return gone;
      },
    );
  }

  entry(taskId: number): { task: Task; open: boolean } | undefined {
    return this.inner.entry(taskId);
  }

  lastKnown(taskId: number): Task | undefined {
    return this.inner.lastKnown(taskId);
  }

  changedSince(seq: number, limit: number): IndexChange[] {
    return this.inner.changedSince(seq, limit);
  }

  lastSeq(): number {
    return this.inner.lastSeq();
  }

  isComplete(): boolean {
    return this.inner.isComplete();
  }

  markComplete(): void {
    this.inner.markComplete();
  }

  openNotIn(ids: number[]): number[] {
    return this.inner.openNotIn(ids);
  }

  readyIds(query: ReadyQuery): number[] {
    return this.inner.readyIds(query);
  }

  tasks(ids: number[]): Task[] {
    return this.inner.tasks(ids);
  }

  openTasks(ids: number[]): Task[] {
    return this.inner.openTasks(ids);
  }

  attentionIds(query: { today: string; minReopens: number }): AttentionIds {
    return this.inner.attentionIds(query);
  }
}
