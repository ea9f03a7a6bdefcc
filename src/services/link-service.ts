import type { Caller } from "../tasks/access.js";
import { changedParts } from "../tasks/issue-writes.js";
import { addLink, toTaskLink, type LinkInput, type TaskLink } from "../tasks/task-links.js";
import type { TaskService } from "./task-service.js";

type LinkTasks = Pick<TaskService, "get" | "load" | "locked" | "writeIssue">;

/**
 * A task's links (`GET/POST /tasks/{id}/links`), kept in the issue's metadata block and listed in
 * its body: one issue write per new link, none for a link it already has. The write's webhook is
 * what announces `task.linked` (events/task-diff.ts), so a link written by the Action's token
 * mode is announced the same way.
 */
export class LinkService {
  readonly #tasks: LinkTasks;
  readonly #now: () => Date;

  constructor(tasks: LinkTasks, now: () => Date = () => new Date()) {
    this.#tasks = tasks;
    this.#now = now;
  }

  async list(caller: Caller, taskId: number): Promise<TaskLink[]> {
    return (await this.#tasks.get(caller, taskId)).links;
  }

  /** Adds a link; `created` is false when the task already had it (nothing was written). */
  async add(
    caller: Caller,
    taskId: number,
    input: LinkInput,
  ): Promise<{ link: TaskLink; created: boolean }> {
    return this.#tasks.locked(taskId, async () => {
      const { issue, decoded } = await this.#tasks.load(caller, taskId, "write");
      const at = this.#now().toISOString();
      const { link, added, links } = addLink(decoded.meta.links, input, caller.id, at);
      if (added) {
        const write = changedParts(issue, { ...decoded, meta: { ...decoded.meta, links } });
        await this.#tasks.writeIssue(caller.id, issue, write, "linked");
      }
      return { link: toTaskLink(link), created: added };
    });
  }
}
