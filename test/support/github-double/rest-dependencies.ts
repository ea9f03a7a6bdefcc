// REST: issue dependencies. Like sub-issues, the blocker is named by its `id`, not its number.
import { validationFailed } from "./errors.ts";
import { addBlockedBy, removeBlockedBy } from "./ops-dependencies.ts";
import { getIssue } from "./ops-issues.ts";
import { issueByDatabaseId } from "./ops-sub-issues.ts";
import { paginate } from "./pagination.ts";
import { bodyObject, type RestRequest, type RestResponse, type Route } from "./rest-types.ts";
import { issueJson } from "./serialize.ts";
import type { IssueRecord } from "./state.ts";

const DEPENDENCIES = "/repos/{owner}/{repo}/issues/{issue_number}/dependencies";

function issueList(req: RestRequest, numbers: number[]): RestResponse {
  const issues = numbers.flatMap((n) => req.ctx.state.issues.get(n) ?? []);
  const page = paginate(issues, req.query, req.url);
  return {
    status: 200,
    body: page.items.map((i: IssueRecord) => issueJson(req.ctx, i)),
    headers: page.headers,
  };
}

export const dependencyRoutes: Route[] = [
  {
    method: "GET",
    template: `${DEPENDENCIES}/blocked_by`,
    auth: "installation",
    handle: (req) => issueList(req, getIssue(req.ctx, Number(req.params.issue_number)).blockedBy),
  },
  {
    method: "GET",
    template: `${DEPENDENCIES}/blocking`,
    auth: "installation",
    handle: (req) => {
      const issue = getIssue(req.ctx, Number(req.params.issue_number));
      return issueList(req, req.ctx.state.blocking(issue.number));
    },
  },
  {
    method: "POST",
    template: `${DEPENDENCIES}/blocked_by`,
    auth: "installation",
    handle: (req) => {
      const id = bodyObject(req.body).issue_id;
      if (typeof id !== "number" || !Number.isInteger(id))
        throw validationFailed({ resource: "IssueDependency", code: "invalid", field: "issue_id" });
      const blocker = issueByDatabaseId(req.ctx, id);
      const number = Number(req.params.issue_number);
      return {
        status: 201,
        body: issueJson(req.ctx, addBlockedBy(req.ctx, req.actor, number, blocker)),
        headers: { location: req.ctx.urls.issueApi(blocker.number) },
      };
    },
  },
  {
    method: "DELETE",
    template: `${DEPENDENCIES}/blocked_by/{issue_id}`,
    auth: "installation",
    handle: (req) => {
      const blocker = issueByDatabaseId(req.ctx, Number(req.params.issue_id));
      const number = Number(req.params.issue_number);
      return {
        status: 200,
        body: issueJson(req.ctx, removeBlockedBy(req.ctx, req.actor, number, blocker)),
      };
    },
  },
];
