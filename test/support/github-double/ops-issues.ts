// Issue operations shared by REST and GraphQL. Each mutates the state, then emits
// webhooks in the order GitHub sends them.
import type { DoubleContext } from "./context.ts";
import { DoubleError, notFound, validationFailed } from "./errors.ts";
import type { Actor } from "./people.ts";
import { resolveLabels } from "./ops-labels.ts";
import { assertMayEdit, assertMayTriage, hasPush } from "./permissions.ts";
import { issueJson, labelJson } from "./serialize.ts";
import { recordIssueEvent } from "./ops-timeline.ts";
import type { IssueRecord, IssueStateReason, LabelRecord } from "./state.ts";

export const MAX_TITLE = 256;
export const MAX_BODY = 65_536;

export interface IssueChanges {
  title?: unknown;
  body?: unknown;
  state?: unknown;
  state_reason?: unknown;
  /** Label names; replaces all labels. */
  labels?: string[];
  assignees?: unknown;
}

export function getIssue(ctx: DoubleContext, number: number): IssueRecord {
  const issue = ctx.state.issues.get(number);
  if (issue) return issue;
  if (ctx.state.deletedIssues.has(number)) throw new DoubleError(410, "This issue was deleted");
  throw notFound();
}

export function emitIssue(
  ctx: DoubleContext,
  actor: Actor,
  action: string,
  issue: IssueRecord,
  extra: Record<string, unknown> = {},
): void {
  recordIssueEvent(ctx, actor, action, issue, extra);
  ctx.emit({ event: "issues", action, payload: { issue: issueJson(ctx, issue), ...extra }, actor });
}

function validateTitle(title: unknown): string {
  if (typeof title !== "string" || title.trim() === "") {
    throw validationFailed({ resource: "Issue", code: "missing_field", field: "title" });
  }
  if (title.length > MAX_TITLE) {
    throw validationFailed({
      resource: "Issue",
      code: "custom",
      field: "title",
      message: `title is too long (maximum is ${MAX_TITLE} characters)`,
    });
  }
  return title;
}

function validateBody(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  if (typeof body !== "string")
    throw validationFailed({ resource: "Issue", code: "invalid", field: "body" });
  if (body.length > MAX_BODY) {
    throw validationFailed({
      resource: "Issue",
      code: "custom",
      field: "body",
      message: `body is too long (maximum is ${MAX_BODY} characters)`,
    });
  }
  return body;
}

/** Only people with push access can be assigned; GitHub silently drops the rest. */
function assignable(ctx: DoubleContext, value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (login): login is string =>
      typeof login === "string" && ctx.people.association(login) !== "NONE",
  );
}

export function validateNewIssue(input: { title?: unknown; body?: unknown }): void {
  validateTitle(input.title);
  validateBody(input.body);
}

export function createIssue(
  ctx: DoubleContext,
  actor: Actor,
  input: { title?: unknown; body?: unknown; labels?: string[]; assignees?: unknown },
): IssueRecord {
  const title = validateTitle(input.title);
  const body = validateBody(input.body);
  // Like github.com: labels and assignees from someone without push access are dropped silently.
  const push = hasPush(ctx, actor);
  const labels = resolveLabels(ctx, actor, push ? (input.labels ?? []) : []);
  const now = ctx.state.clock.nowIso();
  const issue: IssueRecord = {
    ...ctx.state.allocateIssue(),
    title,
    body,
    state: "open",
    stateReason: null,
    labelIds: labels.map((l) => l.id),
    assignees: push ? assignable(ctx, input.assignees) : [],
    author: ctx.people.loginOf(actor),
    viaApp: actor.kind === "app",
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    closedBy: null,
    parent: null,
    subIssues: [],
    blockedBy: [],
  };
  ctx.state.issues.set(issue.number, issue);
  emitIssue(ctx, actor, "opened", issue);
  // GitHub's timeline shows labels set at creation as labeled events (no webhook for them).
  for (const label of labels) recordIssueEvent(ctx, actor, "labeled", issue, { label });
  return issue;
}

function parseStateReason(
  value: unknown,
  allowed: IssueStateReason[],
): IssueStateReason | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && (allowed as string[]).includes(value))
    return value as IssueStateReason;
  throw validationFailed({ resource: "Issue", code: "invalid", field: "state_reason" });
}

/** Apply a PATCH-like change; sends edited, labeled/unlabeled, assigned/unassigned, closed/reopened. */
export function updateIssue(
  ctx: DoubleContext,
  actor: Actor,
  number: number,
  input: IssueChanges,
): IssueRecord {
  const issue = getIssue(ctx, number);
  assertMayEdit(ctx, actor, issue);
  if (!hasPush(ctx, actor)) input = { ...input, labels: undefined, assignees: undefined };
  const title = input.title === undefined ? undefined : validateTitle(input.title);
  const body = input.body === undefined ? undefined : validateBody(input.body);
  if (input.state !== undefined && input.state !== "open" && input.state !== "closed") {
    throw validationFailed({ resource: "Issue", code: "invalid", field: "state" });
  }
  const reason = parseStateReason(input.state_reason, ["completed", "not_planned", "reopened"]);
  const newLabels =
    input.labels === undefined ? undefined : resolveLabels(ctx, actor, input.labels);
  const newAssignees = input.assignees === undefined ? undefined : assignable(ctx, input.assignees);

  const changes: Record<string, { from: unknown }> = {};
  if (title !== undefined && title !== issue.title) {
    changes.title = { from: issue.title };
    issue.title = title;
  }
  if (body !== undefined && body !== issue.body) {
    changes.body = { from: issue.body ?? "" };
    issue.body = body;
  }
  const labelDiff = newLabels ? diffLabels(ctx, issue, newLabels) : { added: [], removed: [] };
  if (newLabels) issue.labelIds = newLabels.map((l) => l.id);
  const assigneeDiff = newAssignees
    ? diff(issue.assignees, newAssignees)
    : { added: [], removed: [] };
  if (newAssignees) issue.assignees = newAssignees;
  const transition = applyState(ctx, actor, issue, input.state, reason);

  const touched =
    Object.keys(changes).length > 0 || labelDiff.added.length + labelDiff.removed.length > 0;
  if (
    touched ||
    transition ||
    assigneeDiff.added.length + assigneeDiff.removed.length > 0 ||
    reason !== undefined
  ) {
    issue.updatedAt = ctx.state.clock.nowIso();
  }
  if (Object.keys(changes).length > 0) emitIssue(ctx, actor, "edited", issue, { changes });
  emitLabelChanges(ctx, actor, issue, labelDiff);
  for (const login of assigneeDiff.removed)
    emitIssue(ctx, actor, "unassigned", issue, { assignee: ctx.people.user(login) });
  for (const login of assigneeDiff.added)
    emitIssue(ctx, actor, "assigned", issue, { assignee: ctx.people.user(login) });
  if (transition) emitIssue(ctx, actor, transition, issue);
  return issue;
}

function applyState(
  ctx: DoubleContext,
  actor: Actor,
  issue: IssueRecord,
  state: unknown,
  reason: IssueStateReason | undefined,
): "closed" | "reopened" | undefined {
  if (state === "closed" && issue.state === "open") {
    issue.state = "closed";
    issue.stateReason = reason === "not_planned" ? "not_planned" : "completed";
    issue.closedAt = ctx.state.clock.nowIso();
    issue.closedBy = ctx.people.loginOf(actor);
    return "closed";
  }
  if (state === "open" && issue.state === "closed") {
    issue.state = "open";
    issue.stateReason = "reopened";
    issue.closedAt = null;
    issue.closedBy = null;
    return "reopened";
  }
  // A reason alone on a closed issue just relabels why it was closed.
  if (reason !== undefined && reason !== "reopened" && issue.state === "closed")
    issue.stateReason = reason;
  return undefined;
}

function diff<T>(before: T[], after: T[]): { added: T[]; removed: T[] } {
  return {
    added: after.filter((x) => !before.includes(x)),
    removed: before.filter((x) => !after.includes(x)),
  };
}

export interface LabelDiff {
  added: LabelRecord[];
  removed: LabelRecord[];
}

export function diffLabels(ctx: DoubleContext, issue: IssueRecord, next: LabelRecord[]): LabelDiff {
  const ids = diff(
    issue.labelIds,
    next.map((l) => l.id),
  );
  const byId = (id: number): LabelRecord[] => {
    const label = ctx.state.labels.get(id);
    return label ? [label] : [];
  };
  return { added: ids.added.flatMap(byId), removed: ids.removed.flatMap(byId) };
}

export function emitLabelChanges(
  ctx: DoubleContext,
  actor: Actor,
  issue: IssueRecord,
  labelDiff: LabelDiff,
): void {
  for (const label of labelDiff.added)
    emitIssue(ctx, actor, "labeled", issue, { label: labelJson(ctx, label) });
  for (const label of labelDiff.removed)
    emitIssue(ctx, actor, "unlabeled", issue, { label: labelJson(ctx, label) });
}

/** Replace (mode "set"), add to, or remove from an issue's labels. */
export function changeIssueLabels(
  ctx: DoubleContext,
  actor: Actor,
  number: number,
  mode: "set" | "add" | "remove",
  names: string[],
): IssueRecord {
  const issue = getIssue(ctx, number);
  assertMayTriage(ctx, actor);
  let next: LabelRecord[];
  if (mode === "remove") {
    const drop = names.map((n) => ctx.state.findLabel(n)?.id);
    next = issue.labelIds
      .filter((id) => !drop.includes(id))
      .flatMap((id) => ctx.state.labels.get(id) ?? []);
  } else {
    const resolved = resolveLabels(ctx, actor, names);
    const current = issue.labelIds.flatMap((id) => ctx.state.labels.get(id) ?? []);
    next =
      mode === "set" ? resolved : [...current, ...resolved.filter((l) => !current.includes(l))];
  }
  const labelDiff = diffLabels(ctx, issue, next);
  issue.labelIds = next.map((l) => l.id);
  if (labelDiff.added.length + labelDiff.removed.length > 0)
    issue.updatedAt = ctx.state.clock.nowIso();
  emitLabelChanges(ctx, actor, issue, labelDiff);
  return issue;
}

export function deleteIssue(ctx: DoubleContext, actor: Actor, number: number): void {
  assertMayTriage(ctx, actor);
  const issue = getIssue(ctx, number);
  const payloadIssue = issueJson(ctx, issue);
  if (issue.parent !== null) {
    const parent = ctx.state.issues.get(issue.parent);
    if (parent) parent.subIssues = parent.subIssues.filter((n) => n !== number);
  }
  for (const child of issue.subIssues) {
    const record = ctx.state.issues.get(child);
    if (record) record.parent = null;
  }
  // GitHub drops a deleted issue's dependencies on both sides.
  for (const other of ctx.state.issues.values())
    other.blockedBy = other.blockedBy.filter((n) => n !== number);
  for (const comment of ctx.state.commentsOf(number)) ctx.state.comments.delete(comment.id);
  ctx.state.issues.delete(number);
  ctx.state.deletedIssues.add(number);
  ctx.emit({ event: "issues", action: "deleted", payload: { issue: payloadIssue }, actor });
}
