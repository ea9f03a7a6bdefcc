import type { ChainEvents } from "../tasks/chain-events.js";
import type { Task } from "../tasks/task-schema.js";
import type { EventRelay } from "./relay.js";

/**
 * Delegation's `ChainEvents` hook, published as `task.chain_completed` through the relay.
 * `loadTask` reads the parent as the API shows it (a conditional read).
 */
export function relayChainEvents(
  relay: Pick<EventRelay, "record">,
  loadTask: (taskId: number) => Promise<Task>,
): ChainEvents {
  return {
    async chainCompleted({ parentId, agentId }) {
      const task = await loadTask(parentId);
      relay.record({ event: "task.chain_completed", task, agentId: agentId ?? null });
    },
  };
}
