import type { GitHubIssue } from "../tasks/github-issue.js";
import type { TaskIndex } from "../store/task-index-store.js";
import type { Task } from "../tasks/task-schema.js";

/** The tasks of one read that looks at several (a chain): caught up once, then in memory. */
export interface MirrorView {
  get(id: number): Task | undefined;
  /** The tasks whose `parent_task_id` is `id`, oldest first (id ascending: creation order). */
  children(id: number): Task[];
}

/** Reads in one refresh; a backlog (a rebuild on another replica) is read in several, so the
 * rows' text is never all in memory at once. */
const CHANGES_PER_READ = 1000;

export interface TaskMirrorOptions {
  index: Pick<
    TaskIndex,
    "changedSince" | "isComplete" | "markComplete" | "openNotIn" | "remove" | "upsert"
  >;
  /** Every issue of the repository (`all`) or the open ones, read from GitHub. */
  listIssues: (state: "all" | "open") => Promise<GitHubIssue[]>;
  /** Reads one issue again (null when it is gone). */
  getIssue: (id: number) => Promise<GitHubIssue | null>;
  /** Writes what Baton now knows of an issue into the index (a task, or no task any more). */
  reindex: (issue: GitHubIssue) => Promise<void>;
}

/**
 * Issue #20: the tasks as Baton last saw them, answered without asking GitHub. The rows live in
 * the store (shared by replicas); this process keeps them parsed in memory and catches up on
 * changes by their `seq` before each read: one indexed query, usually empty. Fed by Baton's own
 * writes (read-your-writes), GitHub's webhooks and catch-up; filled from GitHub once when the
 * store is new, refreshed from GitHub's open issues at every start. GitHub stays the record: a
 * newer `updated_at` always replaces what the mirror holds, and writes re-read the issue first.
 */
export class TaskMirror {
  readonly #o: TaskMirrorOptions;
  readonly #tasks = new Map<number, Task>();
  /** Child ids by `parent_task_id`, as the tasks' metadata says (kept true by link repairs). */
  readonly #children = new Map<number, Set<number>>();
  #seq = 0;
  #complete = false;
  /** All tasks, newest first (GitHub's list order), rebuilt only after a change. */
  #newestFirst: Task[] | undefined;

  constructor(options: TaskMirrorOptions) {
    this.#o = options;
  }

  /** Reads may be answered here: the mirror was filled from GitHub once. */
  ready(): boolean {
    this.#complete ||= this.#o.index.isComplete();
    return this.#complete;
  }

  get(id: number): Task | undefined {
    this.#refresh();
    return this.#tasks.get(id);
  }

  /** Every task (open and completed), newest first. */
  all(): readonly Task[] {
    this.#refresh();
    this.#newestFirst ??= [...this.#tasks.values()].sort((a, b) => b.id - a.id);
    return this.#newestFirst;
  }

  /** For a read of several tasks: one catch-up, then every look-up answered in memory. */
  view(): MirrorView {
    this.#refresh();
    return {
      get: (id) => this.#tasks.get(id),
      children: (id) =>
        [...(this.#children.get(id) ?? [])]
          .sort((a, b) => a - b)
          .flatMap((child) => this.#tasks.get(child) ?? []),
    };
  }

  /**
   * At start. A new (or lost) store is filled with every issue; otherwise the open issues are
   * read again and each task the mirror holds as open but GitHub no longer lists is read back,
   * for changes made while Baton was down whose webhooks catch-up could not replay.
   */
  async rebuild(
    listOpen = () => this.#o.listIssues("open"),
  ): Promise<{ issues: number; full: boolean }> {
    const full = !this.ready();
    const issues = await (full ? this.#o.listIssues("all") : listOpen());
    for (const issue of issues) await this.#o.reindex(issue);
    if (full) {
      this.#o.index.markComplete();
      this.#complete = true;
    } else {
      for (const id of this.#o.index.openNotIn(issues.map((issue) => issue.number))) {
        const issue = await this.#o.getIssue(id);
        if (issue) await this.#o.reindex(issue);
        else this.#o.index.remove(id);
      }
    }
    return { issues: issues.length, full };
  }

  #refresh(): void {
    for (;;) {
      const changes = this.#o.index.changedSince(this.#seq, CHANGES_PER_READ);
      for (const change of changes) {
        this.#unlink(change.taskId);
        if (change.task) {
          this.#tasks.set(change.taskId, change.task);
          this.#link(change.task);
        } else this.#tasks.delete(change.taskId);
        this.#seq = change.seq;
      }
      if (changes.length > 0) this.#newestFirst = undefined;
      if (changes.length < CHANGES_PER_READ) return;
    }
  }

  #link(task: Task): void {
    if (task.parent_task_id === null) return;
    let siblings = this.#children.get(task.parent_task_id);
    if (!siblings) this.#children.set(task.parent_task_id, (siblings = new Set()));
    siblings.add(task.id);
  }

  #unlink(id: number): void {
    const parent = this.#tasks.get(id)?.parent_task_id;
    if (parent == null) return;
    const siblings = this.#children.get(parent);
    siblings?.delete(id);
    if (siblings?.size === 0) this.#children.delete(parent);
  }
}
