import type { ClaimStore } from "../store/claim-store.js";
import type { TaskIndex } from "../store/task-index-store.js";
import type { Caller } from "../tasks/access.js";
import { today } from "../tasks/task-filters.js";
import { LOOPING_REOPENS, triage, type FleetAttention } from "../tasks/fleet-attention.js";

export interface FleetAttentionOptions {
  store: Pick<ClaimStore, "held" | "abandoned" | "get">;
  index: Pick<TaskIndex, "openTasks" | "attentionIds">;
  now?: () => number;
}

/**
 * `GET /fleet/attention`: read from Baton's store alone (claim records and the task index), so
 * triage costs no GitHub request however large the fleet.
 */
export class FleetAttentionService {
  readonly #o: FleetAttentionOptions;
  readonly #now: () => number;

  constructor(options: FleetAttentionOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  attention(caller: Caller, limit: number): FleetAttention {
    const now = this.#now();
    const held = this.#o.store.held();
    const abandoned = this.#o.store.abandoned();
    const flagged = this.#o.index.attentionIds({
      today: today(new Date(now)),
      minReopens: LOOPING_REOPENS,
    });
    const ids = new Set([
      ...held.map((row) => row.task_id),
      ...abandoned.map((row) => row.task_id),
      ...flagged.overdue,
      ...flagged.failed,
      ...flagged.looping,
    ]);
    const tasks = new Map(this.#o.index.openTasks([...ids]).map((task) => [task.id, task]));
    return triage(
      caller,
      { now, held, abandoned, ...flagged, tasks, claimOf: (id) => this.#o.store.get(id) },
      limit,
    );
  }
}
