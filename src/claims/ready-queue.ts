import type { Caller } from "../tasks/access.js";
import type { IssueGateway } from "../github/issue-gateway.js";
import type { ClaimStore } from "../store/claim-store.js";
import type { TaskIndex } from "../store/task-index-store.js";
import type { ProjectService } from "../services/project-service.js";
import { TaskListQuerySchema } from "../tasks/task-filters.js";
import type { Task } from "../tasks/task-schema.js";
import type { TaskService } from "../services/task-service.js";
import { claimFields } from "../tasks/lease-rules.js";

export interface ReadyQueueOptions {
  index: TaskIndex;
  store: Pick<ClaimStore, "get">;
  tasks: Pick<TaskService, "list" | "reindex">;
  gateway: Pick<IssueGateway, "getIssue">;
  projects: Pick<ProjectService, "resolve">;
  now?: () => number;
}

const SYSTEM: Caller = { id: "baton", role: "admin" };

/**
 * `GET /tasks/ready` (issue #17), answered from the store's index without asking GitHub: open,
 * unclaimed, no open blocker, unassigned or assigned to the caller; priority first, then oldest.
 * An unassigned task is work for any worker, so every agent sees those.
 */
export class ReadyQueue {
  readonly #o: ReadyQueueOptions;
  readonly #now: () => number;

  constructor(options: ReadyQueueOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  async list(
    caller: Caller,
    query: { project_id?: number | string | undefined; label?: string | undefined; limit: number },
  ): Promise<Task[]> {
    const project =
      query.project_id !== undefined
        ? await this.#o.projects.resolve(query.project_id).catch(() => null)
        : null;
    if (query.project_id !== undefined && !project) return [];
    const now = this.#now();
    const ids = this.#o.index.readyIds({
      agentId: caller.id,
      projectSlug: project?.slug ?? null,
      labels: query.label ? [query.label] : [],
      now,
      limit: query.limit,
    });
    return this.#o.index
      .tasks(ids)
      .map((task) => ({ ...task, ...claimFields(this.#o.store.get(task.id), now) }));
  }

  /** Rebuilds the index from GitHub's open issues (at start: webhooks missed while down). */
  async rebuild(): Promise<number> {
    const open = await this.#o.tasks.list(SYSTEM, TaskListQuerySchema.parse({}));
    for (const task of open) this.#o.index.upsert(task, true);
    // Open in the index, not in the list: closed while Baton was down, or created meanwhile.
    // Each is read back (a conditional read) rather than guessed.
    for (const id of this.#o.index.openNotIn(open.map((task) => task.id))) {
      const issue = await this.#o.gateway.getIssue(id);
      if (issue) await this.#o.tasks.reindex(issue);
      else this.#o.index.remove(id);
    }
    return open.length;
  }
}
