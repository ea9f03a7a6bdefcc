import type { Actor } from "../events/event-schema.js";
import type { EventRelay } from "../events/relay.js";
import type { TaskIndex } from "../store/task-index-store.js";
import type { Task } from "../tasks/task-schema.js";
import { claimFields, type ClaimRow, type ReleaseReason } from "../tasks/lease-rules.js";

/** The events claims send (issue #17). Synchronous: called inside the store's transaction. */
export interface ClaimEvents {
  claimed(row: ClaimRow, agentId: string): void;
  /** `agentId` the agent that released it; else `actor`, the person (or app) on github.com. */
  released(row: ClaimRow, agentId: string | null, reason: ReleaseReason, actor?: Actor): void;
  stateChanged(row: ClaimRow, before: ClaimRow, agentId: string): void;
}

/**
 * Claim events through the relay, like every other task event. The task is the one the index
 * holds (no GitHub request inside a transaction) with the claim as it now is.
 */
export function relayClaimEvents(
  relay: Pick<EventRelay, "record">,
  index: Pick<TaskIndex, "tasks">,
  now: () => number = Date.now,
): ClaimEvents {
  const taskOf = (row: ClaimRow): Task | undefined => {
    const [task] = index.tasks([row.task_id]);
    return task && { ...task, ...claimFields(row, now()) };
  };
  const send = (row: ClaimRow, record: (task: Task) => void) => {
    const task = taskOf(row);
    if (task) record(task);
  };
  return {
    claimed: (row, agentId) =>
      send(row, (task) => relay.record({ event: "task.claimed", task, agentId })),
    released: (row, agentId, reason, actor) =>
      send(row, (task) =>
        relay.record({ event: "task.released", task, agentId, reason, actor: actor ?? null }),
      ),
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
