import { errors } from "../errors.js";
import { GITHUB_MAX_LEVELS, MAX_CHILDREN } from "./github-issue.js";
import type { TaskMeta } from "./issue-codec.js";

/** Where a task sits in its chain, as its metadata block says (the `depth:` label only shows it). */
export interface Position {
  parent: number | null;
  /** null for a root (a root is its own root). */
  root: number | null;
  depth: number;
}

/** The position of a child directly under `parent`. */
export function childPosition(parent: { number: number; meta: TaskMeta }): Position {
  return {
    parent: parent.number,
    root: parent.meta.root ?? parent.number,
    depth: parent.meta.depth + 1,
  };
}

export const ROOT_POSITION: Position = { parent: null, root: null, depth: 0 };

export function samePosition(meta: TaskMeta, position: Position): boolean {
  return (
    meta.parent === position.parent && meta.root === position.root && meta.depth === position.depth
  );
}

/**
 * Checks a delegation before anything is created, so a refused one leaves nothing behind.
 * `children` counts the parent's sub-issues, closed ones included (GitHub counts them).
 */
export function checkDelegation(input: {
  parentId: number;
  parentCompleted: boolean;
  depth: number;
  maxDepth: number;
  children: number;
}): void {
  if (input.parentCompleted) {
    throw errors.conflict(
      "task_completed",
      `Task #${input.parentId} is completed; reopen it before delegating from it`,
      { task_id: input.parentId },
    );
  }
  const maxDepth = Math.min(input.maxDepth, GITHUB_MAX_LEVELS - 1);
  if (input.depth > maxDepth) {
    throw errors.conflict(
      "delegation_depth_exceeded",
      `A delegation chain may be at most ${maxDepth} levels deep; this child would be at depth ${input.depth}`,
      { max_depth: maxDepth, depth: input.depth },
    );
  }
  if (input.children >= MAX_CHILDREN) {
    throw errors.conflict(
      "too_many_children",
      `Task #${input.parentId} already has ${input.children} sub-tasks; GitHub allows ${MAX_CHILDREN} (closed ones count)`,
      { max_children: MAX_CHILDREN, children: input.children },
    );
  }
}

/** Where a child of this parent issue would sit, after checking every limit (throws if one fails). */
export function positionUnder(
  parent: { number: number; sub_issues_summary?: { total: number } | null | undefined },
  decoded: { closed: boolean; meta: TaskMeta },
  maxDepth: number,
): Position {
  const position = childPosition({ number: parent.number, meta: decoded.meta });
  checkDelegation({
    parentId: parent.number,
    parentCompleted: decoded.closed,
    depth: position.depth,
    maxDepth,
    children: parent.sub_issues_summary?.total ?? 0,
  });
  return position;
}
