// REST: /repos/{owner}/{repo}/issues[/{issue_number}] and an issue's labels.
import { DoubleError } from "./errors.ts";
import {
  changeIssueLabels,
  createIssue,
  getIssue,
  updateIssue,
  type IssueChanges,
} from "./ops-issues.ts";
import { parseLabelNames } from "./ops-labels.ts";
import { timelineJson } from "./ops-timeline.ts";
import { paginate } from "./pagination.ts";
import { bodyObject, type RestRequest, type RestResponse, type Route } from "./rest-types.ts";
import { issueJson, labelJson } from "./serialize.ts";
import type { IssueRecord } from "./state.ts";

const ISSUES = "/repos/{owner}/{repo}/issues";
const ISSUE = `${ISSUES}/{issue_number}`;

function issueNumber(req: RestRequest): number {
  return Number(req.params.issue_number);
}

function filterIssues(req: RestRequest): IssueRecord[] {
  const { query } = req;
  const state = query.get("state") ?? "open";
  if (!["open", "closed", "all"].includes(state))
    throw new DoubleError(422, "Validation Failed", [
      { resource: "Issue", code: "invalid", field: "state" },
    ]);
  const labels = (query.get("labels") ?? "")
    .split(",")
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l !== "");
  const since = query.get("since");
  const sinceMs = since ? Date.parse(since) : undefined;
  const creator = query.get("creator");
  const assignee = query.get("assignee");
  const { state: repo } = req.ctx;
  return [...repo.issues.values()].filter((issue) => {
    if (state !== "all" && issue.state !== state) return false;
    const names = issue.labelIds.map((id) => repo.labels.get(id)?.name.toLowerCase());
    if (!labels.every((l) => names.includes(l))) return false;
    if (sinceMs !== undefined && Date.parse(issue.updatedAt) < sinceMs) return false;
    if (creator && issue.author !== creator) return false;
    if (assignee === "none" && issue.assignees.length > 0) return false;
    if (assignee && assignee !== "none" && assignee !== "*" && !issue.assignees.includes(assignee))
      return false;
    return true;
  });
}

function listIssues(req: RestRequest): RestResponse {
  const sort = req.query.get("sort") ?? "created";
  const ascending = req.query.get("direction") === "asc";
  const key = (i: IssueRecord): number =>
    sort === "updated"
      ? Date.parse(i.updatedAt)
      : sort === "comments"
        ? req.ctx.state.commentsOf(i.number).length
        : i.number;
  const sorted = filterIssues(req).sort(
    (a, b) => (ascending ? 1 : -1) * (key(a) - key(b) || a.number - b.number),
  );
  const page = paginate(sorted, req.query, req.url);
  return { status: 200, body: page.items.map((i) => issueJson(req.ctx, i)), headers: page.headers };
}

function labelNames(value: unknown): string[] | undefined {
  return value === undefined ? undefined : parseLabelNames(value);
}

function postIssue(req: RestRequest): RestResponse {
  const body = bodyObject(req.body);
  const labels = labelNames(body.labels);
  const issue = createIssue(req.ctx, req.actor, {
    title: body.title,
    body: body.body,
    assignees: body.assignees,
    ...(labels ? { labels } : {}),
  });
  return {
    status: 201,
    body: issueJson(req.ctx, issue),
    headers: { location: req.ctx.urls.issueApi(issue.number) },
  };
}

function patchIssue(req: RestRequest): RestResponse {
  const body = bodyObject(req.body);
  const changes: IssueChanges = {
    title: body.title,
    body: body.body,
    state: body.state,
    state_reason: body.state_reason,
    assignees: body.assignees,
  };
  const labels = labelNames(body.labels);
  if (labels) changes.labels = labels;
  if (typeof body.assignee === "string") changes.assignees = [body.assignee];
  const issue = updateIssue(req.ctx, req.actor, issueNumber(req), changes);
  return { status: 200, body: issueJson(req.ctx, issue) };
}

/** Body of POST/PUT …/labels: {labels: [...]} or a bare array. */
function labelsFromBody(body: unknown): string[] {
  return parseLabelNames(Array.isArray(body) ? body : (bodyObject(body).labels ?? []));
}

function issueLabels(req: RestRequest, issue: IssueRecord): RestResponse {
  const labels = issue.labelIds.flatMap((id) => req.ctx.state.labels.get(id) ?? []);
  return { status: 200, body: labels.map((l) => labelJson(req.ctx, l)) };
}

export const issueRoutes: Route[] = [
  { method: "GET", template: ISSUES, auth: "installation", handle: listIssues },
  { method: "POST", template: ISSUES, auth: "installation", handle: postIssue },
  {
    method: "GET",
    template: ISSUE,
    auth: "installation",
    handle: (req) => ({
      status: 200,
      body: issueJson(req.ctx, getIssue(req.ctx, issueNumber(req))),
    }),
  },
  { method: "PATCH", template: ISSUE, auth: "installation", handle: patchIssue },
  {
    method: "GET",
    template: `${ISSUE}/timeline`,
    auth: "installation",
    handle: (req) => {
      const page = paginate(
        timelineJson(req.ctx, getIssue(req.ctx, issueNumber(req))),
        req.query,
        req.url,
      );
      return { status: 200, body: page.items, headers: page.headers };
    },
  },
  {
    method: "GET",
    template: `${ISSUE}/labels`,
    auth: "installation",
    handle: (req) => {
      const issue = getIssue(req.ctx, issueNumber(req));
      const all = issue.labelIds.flatMap((id) => req.ctx.state.labels.get(id) ?? []);
      const page = paginate(all, req.query, req.url);
      return {
        status: 200,
        body: page.items.map((l) => labelJson(req.ctx, l)),
        headers: page.headers,
      };
    },
  },
  {
    method: "POST",
    template: `${ISSUE}/labels`,
    auth: "installation",
    handle: (req) =>
      issueLabels(
        req,
        changeIssueLabels(req.ctx, req.actor, issueNumber(req), "add", labelsFromBody(req.body)),
      ),
  },
  {
    method: "PUT",
    template: `${ISSUE}/labels`,
    auth: "installation",
    handle: (req) =>
      issueLabels(
        req,
        changeIssueLabels(req.ctx, req.actor, issueNumber(req), "set", labelsFromBody(req.body)),
      ),
  },
  {
    method: "DELETE",
    template: `${ISSUE}/labels`,
    auth: "installation",
    handle: (req) => {
      changeIssueLabels(req.ctx, req.actor, issueNumber(req), "set", []);
      return { status: 204 };
    },
  },
  {
    method: "DELETE",
    template: `${ISSUE}/labels/{name}`,
    auth: "installation",
    handle: (req) => {
      const issue = getIssue(req.ctx, issueNumber(req));
      const label = req.ctx.state.findLabel(req.params.name ?? "");
      if (!label || !issue.labelIds.includes(label.id))
        throw new DoubleError(404, "Label does not exist");
      return issueLabels(
        req,
        changeIssueLabels(req.ctx, req.actor, issue.number, "remove", [label.name]),
      );
    },
  },
];
