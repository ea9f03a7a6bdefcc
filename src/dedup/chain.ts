/**
 * Which open tasks a new task may be compared with, given its delegation parent (pure; the
 * server's guard and the Action's token mode share it). A delegated child is never compared with
 * its own chain, the open tasks with the same root as its parent (its ancestors and siblings):
 * sub-steps resemble their parents by nature. `rootOf` gives an open task's chain root (itself
 * for a root task), undefined when unknown.
 */
export function outsideChain(
  parentId: number | null | undefined,
  rootOf: (taskId: number) => number | undefined,
): (taskId: number) => boolean {
  if (parentId == null) return () => true;
  const chain = rootOf(parentId) ?? parentId;
  return (taskId) => (rootOf(taskId) ?? taskId) !== chain;
}
