import type { DependencyStore } from "../store/dependency-store.js";
import type { Cause } from "../events/trust.js";
import type { DependencyEvents } from "./dependency-events.js";
import { newlyUnblocked, type UnblockReason } from "../tasks/dependency-rules.js";

/**
 * Runs a change of the ready queue's picture (a blocker closed, a pair removed, pairs read back)
 * and sends `task.unblocked` for each open task it left with no open blocker. Before and after
 * are read in the same immediate transaction as the change, so however often the change is seen
 * (Baton's own write, then GitHub's webhook; several replicas), a task is unblocked once.
 */
export class UnblockTracker {
  constructor(
    private readonly store: Pick<DependencyStore, "transaction" | "openBlocked">,
    private readonly events: DependencyEvents,
  ) {}

  around<R>(
    affected: () => number[],
    why: { reason: UnblockReason; cause: Cause },
    change: () => R,
  ): R {
    return this.store.transaction(() => {
      const ids = affected();
      const before = this.store.openBlocked(ids);
      const result = change();
      if ([...before.values()].some(Boolean)) {
        for (const id of newlyUnblocked(before, this.store.openBlocked(ids)))
          this.events.unblocked(id, why.reason, why.cause);
      }
      return result;
    });
  }
}
