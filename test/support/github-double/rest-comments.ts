// REST: issue comments.
import { createComment, deleteComment, getComment, updateComment } from "./ops-comments.ts";
import { getIssue } from "./ops-issues.ts";
import { paginate } from "./pagination.ts";
import { bodyObject, type Route } from "./rest-types.ts";
import { commentJson } from "./serialize.ts";

const COMMENT = "/repos/{owner}/{repo}/issues/comments/{comment_id}";

export const commentRoutes: Route[] = [
  {
    // The repository's comments: `sort` created (default) or updated, `direction`, `since` (updated).
    method: "GET",
    template: "/repos/{owner}/{repo}/issues/comments",
    auth: "installation",
    handle: (req) => {
      const since = req.query.get("since");
      const key = req.query.get("sort") === "updated" ? "updatedAt" : "createdAt";
      const descending = req.query.get("direction") === "desc";
      const all = [...req.ctx.state.comments.values()]
        .filter((c) => !since || Date.parse(c.updatedAt) >= Date.parse(since))
        .sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : a.id - b.id))
        .map((c) => commentJson(req.ctx, c));
      if (descending) all.reverse();
      const page = paginate(all, req.query, req.url);
      return { status: 200, body: page.items, headers: page.headers };
    },
  },
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    auth: "installation",
    handle: (req) => {
      const issue = getIssue(req.ctx, Number(req.params.issue_number));
      const since = req.query.get("since");
      const all = req.ctx.state
        .commentsOf(issue.number)
        .filter((c) => !since || Date.parse(c.updatedAt) >= Date.parse(since));
      const page = paginate(all, req.query, req.url);
      return {
        status: 200,
        body: page.items.map((c) => commentJson(req.ctx, c)),
        headers: page.headers,
      };
    },
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    auth: "installation",
    handle: (req) => {
      const comment = createComment(
        req.ctx,
        req.actor,
        Number(req.params.issue_number),
        bodyObject(req.body).body,
      );
      return {
        status: 201,
        body: commentJson(req.ctx, comment),
        headers: { location: req.ctx.urls.commentApi(comment.id) },
      };
    },
  },
  {
    method: "GET",
    template: COMMENT,
    auth: "installation",
    handle: (req) => ({
      status: 200,
      body: commentJson(req.ctx, getComment(req.ctx, Number(req.params.comment_id))),
    }),
  },
  {
    method: "PATCH",
    template: COMMENT,
    auth: "installation",
    handle: (req) => ({
      status: 200,
      body: commentJson(
        req.ctx,
        updateComment(req.ctx, req.actor, Number(req.params.comment_id), bodyObject(req.body).body),
      ),
    }),
  },
  {
    method: "DELETE",
    template: COMMENT,
    auth: "installation",
    handle: (req) => {
      deleteComment(req.ctx, req.actor, Number(req.params.comment_id));
      return { status: 204 };
    },
  },
];
