import type { EventRelay } from "../events/relay.js";
import type { Cause } from "../events/trust.js";
import type { Task } from "../tasks/task-schema.js";
import type { UnblockReason } from "../tasks/dependency-rules.js";

/** The events dependencies send (issue #17). Synchronous: called inside the store's transaction. */
export interface DependencyEvents {
  unblocked(taskId: number, reason: UnblockReason, cause: Cause): void;
}

/**
 * `task.unblocked` through the relay, like every other task event. The task is the one the ready
 * queue's index holds (no GitHub request inside a transaction), as `view` completes it.
 */
export function relayDependencyEvents(
  relay: Pick<EventRelay, "record">,
  view: (taskId: number) => Task | undefined,
): DependencyEvents {
  return {
    unblocked: (taskId, reason, cause) => {
      const task = view(taskId);
      if (task) relay.record({ event: "task.unblocked", task, reason, ...cause });
    },
  };
}
