import { errors } from "../errors.js";
import type { GitHubIssue } from "./github-issue.js";

/** GitHub's limit on each side of an issue's dependencies. */
export const MAX_DEPENDENCIES = 50;

/** Why a task became ready (`task.unblocked`'s `reason`). */
export type UnblockReason =
  "blocker_completed" | "blocker_closed" | "blocker_deleted" | "dependency_removed";

/**
 * The path by which `blockerId` already waits for `taskId` (so "taskId blocked by blockerId" would
 * close a circle), as `[taskId, blockerId, …, taskId]`; null when there is none. Breadth first, so
 * the path named is a shortest one. Pure: `blockersOf` reads the known pairs.
 */
export function findCycle(
  taskId: number,
  blockerId: number,
  blockersOf: (id: number) => number[],
): number[] | null {
  const cameFrom = new Map<number, number>([[blockerId, taskId]]);
  let frontier = [blockerId];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const id of frontier) {
      if (id === taskId) return pathTo(taskId, blockerId, cameFrom);
      for (const blocker of blockersOf(id)) {
        if (cameFrom.has(blocker)) continue;
        cameFrom.set(blocker, id);
        next.push(blocker);
      }
    }
    frontier = next;
  }
  return null;
}

function pathTo(taskId: number, blockerId: number, cameFrom: Map<number, number>): number[] {
  const back = [taskId];
  for (let id = cameFrom.get(taskId)!; id !== blockerId; id = cameFrom.get(id)!) back.push(id);
  return [taskId, blockerId, ...back.reverse()];
}

/**
 * Checks a new "taskId blocked by blockerId" before anything is written: not on itself, no circle,
 * within GitHub's 50 on each side (its totals count every repository's issues). 422 with a code.
 */
export function checkNewDependency(input: {
  taskId: number;
  blockerId: number;
  blockersOf: (id: number) => number[];
  totalBlockedBy: number;
  blockerTotalBlocking: number;
}): void {
  const { taskId, blockerId } = input;
  if (taskId === blockerId)
    throw errors.unprocessable("dependency_on_self", `Task #${taskId} cannot wait for itself`, {
      field: "blocked_by",
    });
  const cycle = findCycle(taskId, blockerId, input.blockersOf);
  if (cycle)
    throw errors.unprocessable(
      "dependency_cycle",
      `Task #${blockerId} already waits for #${taskId} (${cycle.map((id) => `#${id}`).join(" → ")}): the two would wait for each other forever`,
      { field: "blocked_by", cycle },
    );
  if (input.totalBlockedBy >= MAX_DEPENDENCIES)
    throw errors.unprocessable(
      "too_many_dependencies",
      `Task #${taskId} already waits for ${MAX_DEPENDENCIES} issues, GitHub's limit`,
      { field: "blocked_by" },
    );
  if (input.blockerTotalBlocking >= MAX_DEPENDENCIES)
    throw errors.unprocessable(
      "too_many_dependencies",
      `Task #${blockerId} already blocks ${MAX_DEPENDENCIES} issues, GitHub's limit`,
      { field: "blocked_by" },
    );
}

/** An issue of the task repository `owner/repo` (a dependency may name another repository's). */
export function inRepository(
  issue: Pick<GitHubIssue, "repository_url" | "html_url">,
  owner: string,
  repo: string,
): boolean {
  const tail = `/repos/${owner}/${repo}`.toLowerCase();
  if (issue.repository_url) return issue.repository_url.toLowerCase().endsWith(tail);
  return issue.html_url.toLowerCase().includes(`/${owner}/${repo}/issues/`.toLowerCase());
}

/**
 * The tasks a change left ready: open and blocked before it, open and unblocked after it. `before`
 * and `after` map each open task to whether an open task blocks it.
 */
export function newlyUnblocked(
  before: Map<number, boolean>,
  after: Map<number, boolean>,
): number[] {
  return [...before]
    .filter(([id, blocked]) => blocked && after.get(id) === false)
    .map(([id]) => id);
}
