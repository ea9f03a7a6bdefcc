import type { Caller } from "../tasks/access.js";
import type { ClaimStore } from "../store/claim-store.js";
import type { TaskIndex } from "../store/task-index-store.js";
import type { ProjectService } from "../services/project-service.js";
import type { Task } from "../tasks/task-schema.js";
import { claimFields } from "../tasks/lease-rules.js";

export interface ReadyQueueOptions {
  index: TaskIndex;
  store: Pick<ClaimStore, "get">;
  projects: Pick<ProjectService, "resolve" | "slugsOf">;
  now?: () => number;
}

/**
 * `GET /tasks/ready` (issue #17), answered from the store's index without asking GitHub: open,
 * unclaimed, no open blocker, unassigned or assigned to the caller; priority first, then oldest.
 * An unassigned task is work for any worker, so every agent sees those (of its projects, when an
 * admin restricted it to some).
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
      allowedProjects: await this.#o.projects.slugsOf(caller.projectIds),
      labels: query.label ? [query.label] : [],
      now,
      limit: query.limit,
    });
    return this.#o.index
      .tasks(ids)
      .map((task) => ({ ...task, ...claimFields(this.#o.store.get(task.id), now) }));
  }
}
