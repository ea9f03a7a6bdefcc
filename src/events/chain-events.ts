import type { Task } from "../tasks/task-schema.js";
import type { EventRelay } from "./relay.js";

/** The hook delegation calls when every child of a delegated parent is completed. */
export interface ChainEvents {
  chainCompleted(taskId: number, agentId?: string): Promise<void>;
}

/**
 * `task.chain_completed` through the relay. `loadTask` reads the parent as the API shows it
 * (e.g. `(id) => tasks.get({ id: "baton", role: "admin" }, id)`, a conditional read).
 */
export function relayChainEvents(
  relay: Pick<EventRelay, "record">,
  loadTask: (taskId: number) => Promise<Task>,
): ChainEvents {
  return {
    async chainCompleted(taskId, agentId) {
      const task = await loadTask(taskId);
      relay.record({ event: "task.chain_completed", task, agentId: agentId ?? null });
    },
  };
}
