// Issue dependencies ("blocked by" / "blocking") with GitHub's rules: writers only, not on itself,
// once per pair, ≤ 50 issues on each side of an issue. GitHub does not refuse a cycle.
import type { DoubleContext } from "./context.ts";
import { notFound, unprocessable } from "./errors.ts";
import { getIssue } from "./ops-issues.ts";
import { assertMayTriage } from "./permissions.ts";
import type { Actor } from "./people.ts";
import { issueJson, repositoryJson } from "./serialize.ts";
import type { IssueRecord } from "./state.ts";

export const MAX_DEPENDENCIES = 50;

/**
 * GitHub describes one dependency twice, like a sub-issue link: `blocked_by_*` from the blocked
 * issue's side (naming the blocker's repository), then `blocking_*` from the blocker's side.
 */
function emitDependency(
  ctx: DoubleContext,
  actor: Actor,
  added: boolean,
  blocked: IssueRecord,
  blocker: IssueRecord,
): void {
  const repo = repositoryJson(ctx);
  const issues = {
    blocked_issue_id: blocked.id,
    blocked_issue: issueJson(ctx, blocked),
    blocking_issue_id: blocker.id,
    blocking_issue: issueJson(ctx, blocker),
  };
  const verb = added ? "added" : "removed";
  ctx.emit({
    event: "issue_dependencies",
    action: `blocked_by_${verb}`,
    payload: { ...issues, blocking_issue_repo: repo },
    actor,
  });
  ctx.emit({
    event: "issue_dependencies",
    action: `blocking_${verb}`,
    payload: { ...issues, blocked_issue_repo: repo },
    actor,
  });
}

function touch(ctx: DoubleContext, ...issues: IssueRecord[]): void {
  const now = ctx.state.clock.nowIso();
  for (const issue of issues) issue.updatedAt = now;
}

/** `POST …/issues/{n}/dependencies/blocked_by {issue_id}`: answers the blocking issue. */
export function addBlockedBy(
  ctx: DoubleContext,
  actor: Actor,
  blockedNumber: number,
  blocker: IssueRecord,
): IssueRecord {
  assertMayTriage(ctx, actor);
  const blocked = getIssue(ctx, blockedNumber);
  if (blocker.number === blocked.number) throw unprocessable("An issue cannot block itself");
  if (blocked.blockedBy.includes(blocker.number))
    throw unprocessable("Issue is already blocked by this issue");
  if (blocked.blockedBy.length >= MAX_DEPENDENCIES)
    throw unprocessable(`An issue cannot be blocked by more than ${MAX_DEPENDENCIES} issues`);
  if (ctx.state.blocking(blocker.number).length >= MAX_DEPENDENCIES)
    throw unprocessable(`An issue cannot block more than ${MAX_DEPENDENCIES} issues`);
  blocked.blockedBy.push(blocker.number);
  touch(ctx, blocked, blocker);
  emitDependency(ctx, actor, true, blocked, blocker);
  return blocker;
}

/** `DELETE …/issues/{n}/dependencies/blocked_by/{issue_id}`: answers the blocking issue. */
export function removeBlockedBy(
  ctx: DoubleContext,
  actor: Actor,
  blockedNumber: number,
  blocker: IssueRecord,
): IssueRecord {
  assertMayTriage(ctx, actor);
  const blocked = getIssue(ctx, blockedNumber);
  if (!blocked.blockedBy.includes(blocker.number)) throw notFound();
  blocked.blockedBy = blocked.blockedBy.filter((n) => n !== blocker.number);
  touch(ctx, blocked, blocker);
  emitDependency(ctx, actor, false, blocked, blocker);
  return blocker;
}
