import type { Caller } from "../tasks/access.js";
import { errors, isBatonError } from "../errors.js";
import type { Sender } from "../github/webhook-payloads.js";
import type { DependencyGateway } from "../github/dependency-gateway.js";
import { githubStatus } from "../github/map-github-error.js";
import type { IssueGateway } from "../github/issue-gateway.js";
import type { DependencyStore, DependencyTotals } from "../store/dependency-store.js";
import type { Journal } from "../store/journal-store.js";
import type { TaskIndex } from "../store/task-index-store.js";
import { causeOf, isBot, type Cause } from "../events/trust.js";
import type { GitHubIssue } from "../tasks/github-issue.js";
import { decodeIssue } from "../tasks/issue-codec.js";
import type { Task } from "../tasks/task-schema.js";
import type { TaskDependencies } from "../tasks/task-view.js";
import type { TaskService } from "../services/task-service.js";
import { KeyedMutex } from "../util/keyed-mutex.js";
import { checkNewDependency, inRepository } from "../tasks/dependency-rules.js";
import type { UnblockTracker } from "./unblock-tracker.js";

/** What dependencies need of the task service: access checks, the per-issue lock, trust. */
export type DependencyTasks = Pick<TaskService, "load" | "locked" | "isTask">;

export interface DependencyServiceOptions {
  owner: string;
  repo: string;
  tasks: DependencyTasks;
  issues: Pick<IssueGateway, "getIssue">;
  github: Pick<DependencyGateway, "addBlockedBy" | "removeBlockedBy" | "blockedBy" | "blocking">;
  store: DependencyStore;
  /** The ready queue's index: a new blocker is there, with its state, before it blocks anything. */
  index: Pick<TaskIndex, "upsert">;
  tracker: UnblockTracker;
  /** Baton's writes, so GitHub's webhook of one names the agent, not the App. */
  journal: Pick<Journal, "record" | "writerOf" | "wroteRecently">;
  log?: ((message: string, details?: Record<string, unknown>) => void) | undefined;
}

/** A dependency added or removed on GitHub, as its `issue_dependencies` webhook says. */
export interface DependencyChange {
  added: boolean;
  blocked: GitHubIssue;
  blocker: GitHubIssue;
  sender: Sender;
}

/**
 * Dependencies between tasks on GitHub's own issue dependencies (issue #17): "#12 blocked by #9".
 * GitHub is the record; Baton keeps the pairs in its store for the task fields and the ready
 * queue, follows GitHub's webhooks, and reads the pairs back when an issue's dependency totals
 * say the store missed something.
 */
export class DependencyService {
  readonly #o: DependencyServiceOptions;
  /** Adds one at a time: two adds each checked alone could close a circle between them. */
  readonly #adding = new KeyedMutex();
  /**
   * Baton's own changes between their GitHub write and their store update (`#writing`), and how
   * many have ended (`#written`): a read back in that window sees GitHub ahead of the store.
   */
  #writing = 0;
  #written = 0;

  constructor(options: DependencyServiceOptions) {
    this.#o = options;
  }

  /** The task fields `blocked_by` and `blocking`, from the store. */
  fields(taskId: number): TaskDependencies {
    return this.#o.store.fields(taskId);
  }

  /** An open task waits for an open task (as the store knows it): not ready. */
  isBlocked(taskId: number): boolean {
    return this.#o.store.openBlocked([taskId]).get(taskId) === true;
  }

  /**
   * `POST /tasks/{id}/dependencies {blocked_by}`: one GitHub write. The caller must be allowed to
   * update the task and to read the blocker; adding a pair that exists changes nothing.
   */
  async add(caller: Caller, taskId: number, blockerId: number): Promise<Task> {
    if (taskId === blockerId)
      checkNewDependency({
        taskId,
        blockerId,
        blockersOf: () => [],
        totalBlockedBy: 0,
        blockerTotalBlocking: 0,
      });
    return this.#adding.run(0, () =>
      this.#o.tasks.locked(taskId, async () => {
        const { issue, task } = await this.#o.tasks.load(caller, taskId, "write");
        const blocker = await this.#blocker(caller, blockerId);
        const { store } = this.#o;
        if (store.blockersOf(taskId).includes(blockerId)) return this.#view(task);
        checkNewDependency({
          taskId,
          blockerId,
          blockersOf: (id) => store.blockersOf(id),
          totalBlockedBy: issue.issue_dependencies_summary?.total_blocked_by ?? 0,
          blockerTotalBlocking: blocker.issue.issue_dependencies_summary?.total_blocking ?? 0,
        });
        this.#o.index.upsert(blocker.task, blocker.issue.state === "open");
        this.#o.journal.record(taskId, "dependency", caller.id);
        await this.#write(async () => {
          await this.#addOnGitHub(taskId, blocker.issue);
          store.add(taskId, blockerId);
        });
        return this.#view(task);
      }),
    );
  }

  /** `DELETE /tasks/{id}/dependencies/{blocker}`: one GitHub write; 404 when there is none. */
  async remove(caller: Caller, taskId: number, blockerId: number): Promise<Task> {
    return this.#o.tasks.locked(taskId, async () => {
      const { task } = await this.#o.tasks.load(caller, taskId, "write");
      if (!this.#o.store.blockersOf(taskId).includes(blockerId))
        throw errors.notFound(
          "dependency_not_found",
          `Task #${taskId} does not wait for #${blockerId}`,
        );
      const blocker = await this.#o.issues.getIssue(blockerId);
      await this.#write(async () => {
        // A blocker deleted on GitHub took its dependencies with it.
        if (blocker) {
          // Journalled first: its webhook is then known for Baton's own (see `changed`).
          this.#o.journal.record(taskId, "dependency", caller.id);
          await this.#o.github.removeBlockedBy(taskId, blocker.id);
        }
        this.#o.tracker.around(
          () => [taskId],
          { reason: "dependency_removed", cause: { agentId: caller.id } },
          () => this.#o.store.remove(taskId, blockerId),
        );
      });
      return this.#view(task);
    });
  }

  /**
   * A person (or Baton itself) changed a dependency on GitHub. Only GitHub's writers can (it
   * refuses everyone else), and only a pair of tasks counts (DESIGN §3a): an issue that is not a
   * task neither blocks nor is blocked. GitHub sends each change twice (from both issues): the
   * second finds it done.
   *
   * The webhook of Baton's own change is an echo: the API call that made it updates the store
   * and sends the event, and an echo that arrives late (GitHub's webhooks can lag by minutes)
   * must not undo a later change, e.g. re-add a pair the agent has removed since. Its issue view
   * is only compared, so a change Baton wrote but did not record (a crash between the two) is
   * read back from GitHub.
   */
  changed(change: DependencyChange): "applied" | "untrusted" | "echo" {
    const { blocked, blocker } = change;
    if (![blocked, blocker].every((issue) => this.#isLiveTask(issue))) {
      this.#o.log?.("dropped a dependency between issues that are not both tasks", {
        blocked: blocked.number,
        blocker: blocker.number,
      });
      return "untrusted";
    }
    if (isBot(change.sender) && this.#o.journal.wroteRecently(blocked.number, "dependency")) {
      void this.reconcile(blocked);
      return "echo";
    }
    if (change.added) this.#o.store.add(blocked.number, blocker.number);
    else
      this.#o.tracker.around(
        () => [blocked.number],
        { reason: "dependency_removed", cause: this.#causeOf(change) },
        () => this.#o.store.remove(blocked.number, blocker.number),
      );
    return "applied";
  }

  /**
   * Makes the store agree with GitHub for one issue when its dependency totals differ from those
   * last seen (changed while Baton was not looking): reads the differing side(s) back. Called on
   * every task read and list, and so by the index's rebuild; costs nothing when the totals agree.
   * A failed read keeps what the store knew (the next read tries again).
   */
  async reconcile(issue: GitHubIssue): Promise<void> {
    const summary = issue.issue_dependencies_summary;
    if (!summary || !this.#o.tasks.isTask(issue)) return;
    const { store } = this.#o;
    const known = store.totals(issue.number);
    const sides = (["blocked_by", "blocking"] as const).filter(
      (side) => summary[`total_${side}`] !== known[`total_${side}`],
    );
    // Baton's own change is between GitHub and the store: what GitHub says is ahead of it.
    if (sides.length === 0 || this.#writing > 0) return;
    const written = this.#written;
    try {
      const read = await Promise.all(
        sides.map(async (side) => {
          const list = await (side === "blocked_by"
            ? this.#o.github.blockedBy(issue.number)
            : this.#o.github.blocking(issue.number));
          return { side, ids: list.filter((i) => this.#isLiveTask(i)).map((i) => i.number) };
        }),
      );
      this.#o.tracker.around(
        () => [issue.number, ...store.dependentsOf(issue.number)],
        { reason: "dependency_removed", cause: {} },
        () => {
          // A pair added or removed while GitHub was read moved the totals: what was read may
          // predate it, so leave the store be (the next read compares again).
          if (this.#writing > 0 || this.#written !== written) return;
          if (!sameTotals(store.totals(issue.number), known)) return;
          for (const { side, ids } of read) store.replace(issue.number, side, ids);
          store.setTotals(issue.number, summary);
        },
      );
    } catch (error) {
      this.#o.log?.("could not read an issue's dependencies back from GitHub", {
        issue: issue.number,
        err: String(error),
      });
    }
  }

  /** Baton's own change: its GitHub write, then the store. */
  async #write(work: () => Promise<void>): Promise<void> {
    this.#writing++;
    try {
      await work();
    } finally {
      this.#writing--;
      this.#written++;
    }
  }

  /** The agent whose API call made the change (journalled), else whoever GitHub names. */
  #causeOf({ blocked, sender }: DependencyChange): Cause {
    return causeOf(sender, () => this.#o.journal.writerOf(blocked.number, blocked.updated_at));
  }

  /** The blocker, as the caller may see it; anything else is a 422 naming the field. */
  async #blocker(caller: Caller, blockerId: number) {
    try {
      return await this.#o.tasks.load(caller, blockerId, "read");
    } catch (error) {
      if (!isBatonError(error) || error.code !== "task_not_found") throw error;
      throw errors.unprocessable("unknown_blocker", `No task #${blockerId} to wait for`, {
        field: "blocked_by",
      });
    }
  }

  /** GitHub answers 422 for a pair it has: made meanwhile (a person, a lost answer), so done. */
  async #addOnGitHub(taskId: number, blocker: GitHubIssue): Promise<void> {
    try {
      await this.#o.github.addBlockedBy(taskId, blocker.id);
    } catch (error) {
      if (githubStatus(error) !== 422) throw error;
      const present = await this.#o.github.blockedBy(taskId);
      if (!present.some((issue) => issue.id === blocker.id)) throw error;
    }
  }

  /** A task of the task repository, not deleted: the only issues whose dependencies count. */
  #isLiveTask(issue: GitHubIssue): boolean {
    return (
      inRepository(issue, this.#o.owner, this.#o.repo) &&
      this.#o.tasks.isTask(issue) &&
      !decodeIssue(issue).deleted
    );
  }

  #view(task: Task): Task {
    return { ...task, ...this.#o.store.fields(task.id) };
  }
}

const sameTotals = (a: DependencyTotals, b: DependencyTotals) =>
  a.total_blocked_by === b.total_blocked_by && a.total_blocking === b.total_blocking;
