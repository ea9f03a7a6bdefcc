import { canRead, type Caller } from "../tasks/access.js";
import { errors } from "../errors.js";
import { buildChain, scopeTask, type Chain, type ChainTask } from "../tasks/chain.js";
import type { Task } from "../tasks/task-schema.js";
import type { MirrorView } from "./task-mirror.js";

/**
 * Chains and children answered from the task mirror (issue #20), the same answer GitHub's
 * sub-issue tree gives: the tree is the tasks' `parent_task_id`, which the chain service keeps
 * equal to GitHub's links. A deleted task and an issue that is no task are not in the mirror, so
 * they and everything under them are left out, as the GitHub path hides them. Children come in
 * creation order (id ascending): GitHub's sub-issue order, unless a person reordered them by hand.
 *
 * `undefined` = the mirror cannot say (a task it does not know, a root that is no task, metadata
 * caught between two link repairs): the caller asks GitHub, as before.
 */
export function chainFromMirror(caller: Caller, id: number, mirror: MirrorView): Chain | undefined {
  const task = readable(caller, id, mirror);
  if (!task) return undefined;
  const root = mirror.get(task.root_task_id);
  if (!root || !underRoot(task, root.id, mirror)) return undefined;
  // Parents before children, level by level, as GitHub's tree is read.
  const tasks: Task[] = [root];
  const seen = new Set([root.id]);
  for (let i = 0; i < tasks.length; i++) {
    for (const child of mirror.children(tasks[i]!.id)) {
      if (seen.has(child.id)) continue;
      seen.add(child.id);
      tasks.push(child);
    }
  }
  return buildChain(caller, tasks);
}

/** A task's direct sub-tasks, each scoped to the caller; `undefined` when the mirror lacks it. */
export function childrenFromMirror(
  caller: Caller,
  id: number,
  mirror: MirrorView,
): ChainTask[] | undefined {
  if (!readable(caller, id, mirror)) return undefined;
  return mirror.children(id).map((child) => scopeTask(caller, child));
}

/** The task, 404 when the caller may not read it (as GitHub's path answers); unknown: undefined. */
function readable(caller: Caller, id: number, mirror: MirrorView): Task | undefined {
  const task = mirror.get(id);
  if (task && !canRead(caller, task)) throw errors.notFound("task_not_found", `No task #${id}`);
  return task;
}

/**
 * The task sits in `rootId`'s tree: its parents lead there, or to a task the mirror does not hold
 * (deleted, or no task), under which GitHub's tree holds it hidden. A chain of parents that ends
 * at another root, or loops, is metadata between two repairs: not answered here.
 */
function underRoot(task: Task, rootId: number, mirror: MirrorView): boolean {
  const seen = new Set<number>();
  let current: Task | undefined = task;
  while (current && current.id !== rootId) {
    if (current.parent_task_id === null || seen.has(current.id)) return false;
    seen.add(current.id);
    current = mirror.get(current.parent_task_id);
  }
  return true;
}
