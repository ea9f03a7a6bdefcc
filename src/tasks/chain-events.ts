/**
 * The hook the event relay implements to publish `task.chain_completed`. Baton calls it once when
 * the last open child of a delegated parent completes (the parent then leaves `delegated`).
 */
export interface ChainEvents {
  /**
   * @param parentId the task whose children are now all closed (at least one completed)
   * @param rootId the root of its chain
   * @param agentId the agent whose write completed the last child, if an agent did
   */
  chainCompleted(event: {
    parentId: number;
    rootId: number;
    agentId?: string;
  }): void | Promise<void>;
}
