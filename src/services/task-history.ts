import type { IssueGateway } from "../github/issue-gateway.js";
import type { Journal } from "../store/journal-store.js";
import type { Caller } from "../tasks/access.js";
import { buildHistory, type HistoryEntry } from "../tasks/task-history.js";
import type { MetadataBlocks } from "./metadata-blocks.js";
import type { TaskService } from "./task-service.js";

/**
 * `GET /tasks/{id}/history` (docs/trust.md): who changed a task, what and when. GitHub's issue
 * timeline (one conditional request per 100 events), attributed to agents by Baton's journal,
 * with the agents' writes the timeline does not show and the block edits Baton refused.
 */
export class TaskHistory {
  readonly #tasks: Pick<TaskService, "load">;
  readonly #gateway: Pick<IssueGateway, "listTimeline">;
  readonly #journal: Pick<Journal, "entries">;
  readonly #blocks: Pick<MetadataBlocks, "refusals">;
  readonly #appId: () => number | undefined;

  constructor(options: {
    tasks: Pick<TaskService, "load">;
    gateway: Pick<IssueGateway, "listTimeline">;
    journal: Pick<Journal, "entries">;
    blocks: Pick<MetadataBlocks, "refusals">;
    appId: () => number | undefined;
  }) {
    this.#tasks = options.tasks;
    this.#gateway = options.gateway;
    this.#journal = options.journal;
    this.#blocks = options.blocks;
    this.#appId = options.appId;
  }

  /** Oldest first; read access as for the task itself (404 when the caller may not see it). */
  async history(caller: Caller, id: number): Promise<HistoryEntry[]> {
    const { issue, decoded } = await this.#tasks.load(caller, id, "read");
    return buildHistory({
      issue,
      createdBy: decoded.meta.created_by,
      timeline: await this.#gateway.listTimeline(id),
      journal: this.#journal.entries(id),
      refused: this.#blocks.refusals(id),
      appId: this.#appId(),
    });
  }
}
