// Issue comments: create, edit, delete.
import type { DoubleContext } from "./context.ts";
import { notFound, validationFailed } from "./errors.ts";
import { getIssue, MAX_BODY } from "./ops-issues.ts";
import type { Actor } from "./people.ts";
import { commentJson, issueJson } from "./serialize.ts";
import type { CommentRecord } from "./state.ts";

function validateCommentBody(body: unknown): string {
  if (typeof body !== "string" || body.trim() === "") {
    throw validationFailed({ resource: "IssueComment", code: "missing_field", field: "body" });
  }
  if (body.length > MAX_BODY) {
    throw validationFailed({
      resource: "IssueComment",
      code: "custom",
      field: "body",
      message: `body is too long (maximum is ${MAX_BODY} characters)`,
    });
  }
  return body;
}

function emitComment(
  ctx: DoubleContext,
  actor: Actor,
  action: string,
  comment: CommentRecord,
  extra: Record<string, unknown> = {},
): void {
  const issue = getIssue(ctx, comment.issueNumber);
  ctx.emit({
    event: "issue_comment",
    action,
    payload: { issue: issueJson(ctx, issue), comment: commentJson(ctx, comment), ...extra },
    actor,
  });
}

export function getComment(ctx: DoubleContext, id: number): CommentRecord {
  const comment = ctx.state.comments.get(id);
  if (!comment) throw notFound();
  return comment;
}

export function createComment(
  ctx: DoubleContext,
  actor: Actor,
  issueNumber: number,
  body: unknown,
): CommentRecord {
  const issue = getIssue(ctx, issueNumber);
  const text = validateCommentBody(body);
  const now = ctx.state.clock.nowIso();
  const comment: CommentRecord = {
    ...ctx.state.allocateComment(),
    issueNumber,
    body: text,
    author: ctx.people.loginOf(actor),
    viaApp: actor.kind === "app",
    createdAt: now,
    updatedAt: now,
  };
  ctx.state.comments.set(comment.id, comment);
  // A new comment bumps the issue's updated_at on GitHub too.
  issue.updatedAt = now;
  emitComment(ctx, actor, "created", comment);
  return comment;
}

export function updateComment(
  ctx: DoubleContext,
  actor: Actor,
  id: number,
  body: unknown,
): CommentRecord {
  const comment = getComment(ctx, id);
  const text = validateCommentBody(body);
  const from = comment.body;
  comment.body = text;
  comment.updatedAt = ctx.state.clock.nowIso();
  emitComment(ctx, actor, "edited", comment, { changes: { body: { from } } });
  return comment;
}

export function deleteComment(ctx: DoubleContext, actor: Actor, id: number): void {
  const comment = getComment(ctx, id);
  const issue = getIssue(ctx, comment.issueNumber);
  const payload = { issue: issueJson(ctx, issue), comment: commentJson(ctx, comment) };
  ctx.state.comments.delete(id);
  ctx.emit({ event: "issue_comment", action: "deleted", payload, actor });
}
