// Sub-issue links with GitHub's rules: ≤100 children per parent (closed ones count),
// ≤8 levels (the root is level 1), one parent per issue, no cycles.
import type { DoubleContext } from "./context.ts";
import { notFound, unprocessable } from "./errors.ts";
import { getIssue } from "./ops-issues.ts";
import { assertMayTriage } from "./permissions.ts";
import type { Actor } from "./people.ts";
import { issueJson, repositoryJson } from "./serialize.ts";
import type { IssueRecord } from "./state.ts";

export const MAX_SUB_ISSUES = 100;
export const MAX_LEVELS = 8;

export function issueByDatabaseId(ctx: DoubleContext, id: unknown): IssueRecord {
  const issue = typeof id === "number" ? ctx.state.issueById(id) : undefined;
  if (!issue) throw notFound();
  return issue;
}

/** Level of an issue in its tree: a root is 1. */
function level(ctx: DoubleContext, issue: IssueRecord): number {
  let depth = 1;
  for (let p = issue.parent; p !== null; p = ctx.state.issues.get(p)?.parent ?? null) depth++;
  return depth;
}

/** Levels in the subtree under (and including) an issue: a leaf is 1. */
function height(ctx: DoubleContext, issue: IssueRecord): number {
  let max = 0;
  for (const n of issue.subIssues) {
    const child = ctx.state.issues.get(n);
    if (child) max = Math.max(max, height(ctx, child));
  }
  return max + 1;
}

function isAncestor(ctx: DoubleContext, candidate: IssueRecord, of: IssueRecord): boolean {
  for (let p = of.parent; p !== null; p = ctx.state.issues.get(p)?.parent ?? null)
    if (p === candidate.number) return true;
  return false;
}

/** Throws 422 when linking child (existing, or a new leaf when undefined) under parent breaks a rule. */
export function checkLink(
  ctx: DoubleContext,
  parent: IssueRecord,
  child: IssueRecord | undefined,
  replaceParent: boolean,
): void {
  if (child) {
    if (child.number === parent.number)
      throw unprocessable("An issue cannot be a sub-issue of itself");
    if (child.parent === parent.number)
      throw unprocessable("Sub issue already exists for this parent");
    if (child.parent !== null && !replaceParent)
      throw unprocessable("Sub issue may only have one parent");
    if (isAncestor(ctx, child, parent))
      throw unprocessable("Sub issue cannot be an ancestor of its parent");
  }
  if (parent.subIssues.length >= MAX_SUB_ISSUES)
    throw unprocessable(`Parent cannot have more than ${MAX_SUB_ISSUES} sub-issues`);
  const levels = level(ctx, parent) + (child ? height(ctx, child) : 1);
  if (levels > MAX_LEVELS)
    throw unprocessable(`Parent cannot have more than ${MAX_LEVELS} levels of sub-issues`);
}

function emitLink(
  ctx: DoubleContext,
  actor: Actor,
  added: boolean,
  parent: IssueRecord,
  child: IssueRecord,
): void {
  const repo = repositoryJson(ctx);
  const payload = {
    parent_issue_id: parent.id,
    parent_issue: issueJson(ctx, parent),
    parent_issue_repo: repo,
    sub_issue_id: child.id,
    sub_issue: issueJson(ctx, child),
    sub_issue_repo: repo,
  };
  ctx.emit({
    event: "sub_issues",
    action: added ? "sub_issue_added" : "sub_issue_removed",
    payload,
    actor,
  });
  ctx.emit({
    event: "sub_issues",
    action: added ? "parent_issue_added" : "parent_issue_removed",
    payload,
    actor,
  });
}

function unlink(ctx: DoubleContext, actor: Actor, parent: IssueRecord, child: IssueRecord): void {
  parent.subIssues = parent.subIssues.filter((n) => n !== child.number);
  child.parent = null;
  const now = ctx.state.clock.nowIso();
  parent.updatedAt = now;
  child.updatedAt = now;
  emitLink(ctx, actor, false, parent, child);
}

export function addSubIssue(
  ctx: DoubleContext,
  actor: Actor,
  parentNumber: number,
  child: IssueRecord,
  replaceParent: boolean,
): IssueRecord {
  assertMayTriage(ctx, actor);
  const parent = getIssue(ctx, parentNumber);
  checkLink(ctx, parent, child, replaceParent);
  const oldParent = child.parent === null ? undefined : ctx.state.issues.get(child.parent);
  if (oldParent) unlink(ctx, actor, oldParent, child);
  parent.subIssues.push(child.number);
  child.parent = parent.number;
  const now = ctx.state.clock.nowIso();
  parent.updatedAt = now;
  child.updatedAt = now;
  emitLink(ctx, actor, true, parent, child);
  return child;
}

export function removeSubIssue(
  ctx: DoubleContext,
  actor: Actor,
  parentNumber: number,
  child: IssueRecord,
): IssueRecord {
  assertMayTriage(ctx, actor);
  const parent = getIssue(ctx, parentNumber);
  if (child.parent !== parent.number) throw notFound();
  unlink(ctx, actor, parent, child);
  return child;
}

export function reprioritizeSubIssue(
  ctx: DoubleContext,
  parentNumber: number,
  child: IssueRecord,
  anchor: { afterId?: unknown; beforeId?: unknown },
): IssueRecord {
  const parent = getIssue(ctx, parentNumber);
  if (child.parent !== parent.number) throw notFound();
  const rest = parent.subIssues.filter((n) => n !== child.number);
  const anchorId = anchor.afterId ?? anchor.beforeId;
  const target = issueByDatabaseId(ctx, anchorId);
  const index = rest.indexOf(target.number);
  if (index < 0) throw unprocessable("Positional sub-issue is not a sub-issue of this parent");
  rest.splice(anchor.afterId !== undefined ? index + 1 : index, 0, child.number);
  parent.subIssues = rest;
  return parent;
}
