import type { EventRelay } from "../events/relay.js";
import type { Cause } from "../events/trust.js";
import type { TaskIndex } from "../store/task-index-store.js";
import type { Task } from "../tasks/task-schema.js";
import { claimFields, type ClaimRow, type ReleaseReason } from "../tasks/lease-rules.js";

/** The events claims send (issue #17). Synchronous: called inside the store's transaction. */
export interface ClaimEvents {
  claimed(row: ClaimRow, agentId: string): void;
  /** `cause`: the agent that released it, or the person (or app) that closed it on github.com. */
  released(row: ClaimRow, cause: Cause, reason: ReleaseReason): void;
  stateChanged(row: ClaimRow, before: ClaimRow, agentId: string): void;
}

/**
 * Claim events through the relay, like every other task event. The task is the one the index
 * holds (no GitHub request inside a transaction) with the claim as it now is; a release may
 * follow the task's deletion, so it shows the task as last indexed.
 */
export function relayClaimEvents(
  relay: Pick<EventRelay, "record">,
  index: Pick<TaskIndex, "tasks" | "lastKnown">,
  now: () => number = Date.now,
): ClaimEvents {
  const send = (row: ClaimRow, record: (task: Task) => void, gone = false) => {
    const task = index.tasks([row.task_id])[0] ?? (gone ? index.lastKnown(row.task_id) : undefined);
    if (task) record({ ...task, ...claimFields(row, now()) });
  };
  return {
    claimed: (row, agentId) =>
      send(row, (task) => relay.record({ event: "task.claimed", task, agentId })),
    released: (row, cause, reason) =>
      send(row, (task) => relay.record({ event: "task.released", task, reason, ...cause }), true),
    stateChanged: (row, before, agentId) =>
      send(row, (task) =>
        relay.record({
          event: "task.state_changed",
          task,
          agentId,
          changes: {
            session_state: { from: before.session_state, to: row.session_state },
            session_state_detail: {
              from: before.session_state_detail,
              to: row.session_state_detail,
            },
          },
        }),
      ),
  };
}
