import type { ChainEvents } from "../tasks/chain-events.js";
import type { Task } from "../tasks/task-schema.js";
import type { EventRelay } from "./relay.js";

/**
 * Delegation's `ChainEvents` hook, published as `task.chain_completed` through the relay.
 * `loadTask` reads the parent as the API shows it, Baton's roll-up write included.
 */
export function relayChainEvents(
  relay: Pick<EventRelay, "record">,
  loadTask: (taskId: number) => Promise<Task>,
): ChainEvents {
  return {
    async chainCompleted({ parentId, agentId }) {
      const task = await loadTask(parentId);
      // The roll-up's own write (the parent back to open, or completed) goes out first.
      relay.record(
        { event: "task.chain_completed", task, agentId: agentId ?? null },
        { followsWrite: true },
      );
    },
  };
}
