// An issue's timeline, as GitHub's `GET …/issues/{n}/timeline` gives it: the issue events the
// double records as they happen (labels, close/reopen, renames, assignments) and the comments.
import type { DoubleContext } from "./context.ts";
import { encodeNodeId } from "./node-id.ts";
import type { Actor } from "./people.ts";
import { appJson, commentJson } from "./serialize.ts";
import type { IssueRecord } from "./state.ts";

export interface TimelineRecord {
  id: number;
  issueNumber: number;
  event: "labeled" | "unlabeled" | "closed" | "reopened" | "renamed" | "assigned" | "unassigned";
  actor: string;
  viaApp: boolean;
  createdAt: string;
  label?: { name: string; color: string };
  stateReason?: string | null;
  rename?: { from: string; to: string };
  assignee?: string;
}

type Detail = Pick<TimelineRecord, "label" | "stateReason" | "rename" | "assignee">;

/** What an `issues` webhook's action adds to the timeline (nothing for opened, edited bodies…). */
export function recordIssueEvent(
  ctx: DoubleContext,
  actor: Actor,
  action: string,
  issue: IssueRecord,
  extra: Record<string, unknown>,
): void {
  const detail = detailOf(action, issue, extra);
  if (!detail) return;
  const event = action === "edited" ? "renamed" : (action as TimelineRecord["event"]);
  ctx.state.timeline.push({
    id: ctx.state.allocateTimelineEvent(),
    issueNumber: issue.number,
    event,
    actor: ctx.people.loginOf(actor),
    viaApp: actor.kind === "app",
    // One change, one moment: GitHub stamps the event with the issue's new updated_at.
    createdAt: issue.updatedAt,
    ...detail,
  });
}

function detailOf(
  action: string,
  issue: IssueRecord,
  extra: Record<string, unknown>,
): Detail | undefined {
  switch (action) {
    case "labeled":
    case "unlabeled": {
      const label = extra.label as { name: string; color: string };
      return { label: { name: label.name, color: label.color } };
    }
    case "closed":
    case "reopened":
      return { stateReason: issue.stateReason };
    case "assigned":
    case "unassigned":
      return { assignee: (extra.assignee as { login: string }).login };
    case "edited": {
      const title = (extra.changes as { title?: { from: string } } | undefined)?.title;
      return title ? { rename: { from: title.from, to: issue.title } } : undefined;
    }
    default:
      return undefined;
  }
}

/** The issue's timeline, oldest first: its events and its comments (`commented`). */
export function timelineJson(ctx: DoubleContext, issue: IssueRecord): Record<string, unknown>[] {
  const events = ctx.state.timeline
    .filter((e) => e.issueNumber === issue.number)
    .map((e) => ({ at: e.createdAt, json: eventJson(ctx, e) }));
  const comments = ctx.state.commentsOf(issue.number).map((c) => ({
    at: c.createdAt,
    json: {
      event: "commented",
      actor: ctx.people.user(c.author),
      ...commentJson(ctx, c),
    },
  }));
  return [...events, ...comments]
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .map((e) => e.json);
}

function eventJson(ctx: DoubleContext, e: TimelineRecord): Record<string, unknown> {
  const url = `${ctx.urls.repoApi}/issues/events/${e.id}`;
  return {
    id: e.id,
    node_id: encodeNodeId("IssueEvent", e.id),
    url,
    actor: ctx.people.user(e.actor),
    event: e.event,
    commit_id: null,
    commit_url: null,
    created_at: e.createdAt,
    performed_via_github_app: e.viaApp ? appJson(ctx) : null,
    ...(e.label ? { label: e.label } : {}),
    ...(e.rename ? { rename: e.rename } : {}),
    ...(e.assignee ? { assignee: ctx.people.user(e.assignee) } : {}),
    ...(e.event === "closed" || e.event === "reopened" ? { state_reason: e.stateReason } : {}),
  };
}
