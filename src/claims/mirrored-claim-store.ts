import type { ClaimStore, Decision } from "../store/claim-store.js";
import type { TaskIndex } from "../store/task-index-store.js";
import { claimFields, type ClaimRow } from "../tasks/lease-rules.js";

/**
 * A claim store whose every change also reaches the task mirror (issue #20), in the same
 * transaction: a read shows the holder, lease and session state at once, without asking GitHub
 * (a heartbeat changes only the store, never GitHub). The one lag: a lease that ran out shows as
 * held until the lease keeper releases it, within its sweep interval.
 */
export class MirroredClaimStore implements ClaimStore {
  readonly #store: ClaimStore;
  readonly #index: Pick<TaskIndex, "entry" | "upsert">;
  readonly #now: () => number;

  constructor(
    store: ClaimStore,
    index: Pick<TaskIndex, "entry" | "upsert">,
    now: () => number = Date.now,
  ) {
    this.#store = store;
    this.#index = index;
    this.#now = now;
  }

  get(taskId: number): ClaimRow | undefined {
    return this.#store.get(taskId);
  }

  update<R>(taskId: number, decide: (row: ClaimRow | undefined) => Decision<R>): R {
    return this.#store.update(taskId, (row) => {
      const decision = decide(row);
      if (decision.next) this.#mirror(decision.next);
      return decision;
    });
  }

  transaction<R>(work: () => R): R {
    return this.#store.transaction(work);
  }

  expiredIds(now: number): number[] {
    return this.#store.expiredIds(now);
  }

  unshown(limit: number): ClaimRow[] {
    return this.#store.unshown(limit);
  }

  markShown(taskId: number, version: number): void {
    this.#store.markShown(taskId, version);
  }

  held(): ClaimRow[] {
    return this.#store.held();
  }

  abandoned(): ClaimRow[] {
    return this.#store.abandoned();
  }

  recordOverride(entry: Parameters<ClaimStore["recordOverride"]>[0]): void {
    this.#store.recordOverride(entry);
  }

  #mirror(row: ClaimRow): void {
    const entry = this.#index.entry(row.task_id);
    if (!entry?.open) return;
    this.#index.upsert({ ...entry.task, ...claimFields(row, this.#now()) }, entry.open);
  }
}
