// REST: sub-issues. Note sub_issue_id is the issue's `id`, not its number.
import { notFound } from "./errors.ts";
import { getIssue } from "./ops-issues.ts";
import {
  addSubIssue,
  issueByDatabaseId,
  removeSubIssue,
  reprioritizeSubIssue,
} from "./ops-sub-issues.ts";
import { paginate } from "./pagination.ts";
import { bodyObject, type Route } from "./rest-types.ts";
import { issueJson } from "./serialize.ts";

const ISSUE = "/repos/{owner}/{repo}/issues/{issue_number}";

export const subIssueRoutes: Route[] = [
  {
    method: "GET",
    template: `${ISSUE}/sub_issues`,
    auth: "installation",
    handle: (req) => {
      const parent = getIssue(req.ctx, Number(req.params.issue_number));
      const children = parent.subIssues.flatMap((n) => req.ctx.state.issues.get(n) ?? []);
      const page = paginate(children, req.query, req.url);
      return {
        status: 200,
        body: page.items.map((i) => issueJson(req.ctx, i)),
        headers: page.headers,
      };
    },
  },
  {
    method: "POST",
    template: `${ISSUE}/sub_issues`,
    auth: "installation",
    handle: (req) => {
      const body = bodyObject(req.body);
      const parentNumber = Number(req.params.issue_number);
      getIssue(req.ctx, parentNumber);
      const child = issueByDatabaseId(req.ctx, body.sub_issue_id);
      const linked = addSubIssue(
        req.ctx,
        req.actor,
        parentNumber,
        child,
        body.replace_parent === true,
      );
      return {
        status: 201,
        body: issueJson(req.ctx, linked),
        headers: { location: req.ctx.urls.issueApi(linked.number) },
      };
    },
  },
  {
    method: "DELETE",
    template: `${ISSUE}/sub_issue`,
    auth: "installation",
    handle: (req) => {
      const parentNumber = Number(req.params.issue_number);
      getIssue(req.ctx, parentNumber);
      const child = issueByDatabaseId(req.ctx, bodyObject(req.body).sub_issue_id);
      return {
        status: 200,
        body: issueJson(req.ctx, removeSubIssue(req.ctx, req.actor, parentNumber, child)),
      };
    },
  },
  {
    method: "PATCH",
    template: `${ISSUE}/sub_issues/priority`,
    auth: "installation",
    handle: (req) => {
      const body = bodyObject(req.body);
      const child = issueByDatabaseId(req.ctx, body.sub_issue_id);
      const parent = reprioritizeSubIssue(req.ctx, Number(req.params.issue_number), child, {
        afterId: body.after_id,
        beforeId: body.before_id,
      });
      return { status: 200, body: issueJson(req.ctx, parent) };
    },
  },
  {
    method: "GET",
    template: `${ISSUE}/parent`,
    auth: "installation",
    handle: (req) => {
      const issue = getIssue(req.ctx, Number(req.params.issue_number));
      const parent = issue.parent === null ? undefined : req.ctx.state.issues.get(issue.parent);
      if (!parent) throw notFound();
      return { status: 200, body: issueJson(req.ctx, parent) };
    },
  },
];
