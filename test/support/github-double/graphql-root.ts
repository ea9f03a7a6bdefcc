// Root fields: the queries and mutations, on top of the same operations REST uses.
import type { GraphQLError } from "graphql";
import type { DoubleContext } from "./context.ts";
import { DoubleError } from "./errors.ts";
import { gqlError } from "./graphql-connection.ts";
import { commentView, issueView, nodeView, repositoryView, type View } from "./graphql-views.ts";
import { decodeNodeId, encodeNodeId } from "./node-id.ts";
import { createComment } from "./ops-comments.ts";
import {
  changeIssueLabels,
  createIssue,
  deleteIssue,
  updateIssue,
  validateNewIssue,
  type IssueChanges,
} from "./ops-issues.ts";
import { addSubIssue, checkLink, removeSubIssue } from "./ops-sub-issues.ts";
import type { Actor } from "./people.ts";
import type { IssueRecord, LabelRecord } from "./state.ts";

function toGraphqlError(error: DoubleError): GraphQLError {
  const detail = error.details
    .map((d) => d.message ?? `${d.field ?? d.resource} ${d.code}`)
    .join(", ");
  const type =
    error.status === 404 || error.status === 410
      ? "NOT_FOUND"
      : error.status === 403
        ? "FORBIDDEN"
        : "UNPROCESSABLE";
  return gqlError(type, detail ? `${error.message}: ${detail}` : error.message);
}

/** Run an operation, turning domain errors into GitHub-style GraphQL errors. */
function run<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DoubleError) throw toGraphqlError(error);
    throw error;
  }
}

const unresolved = (id: string): GraphQLError =>
  gqlError("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'`);

function issueFor(ctx: DoubleContext, id: string): IssueRecord {
  const decoded = decodeNodeId(id);
  const issue = decoded?.type === "Issue" ? ctx.state.issues.get(Number(decoded.key)) : undefined;
  if (!issue) throw unresolved(id);
  return issue;
}

function labelFor(ctx: DoubleContext, id: string): LabelRecord {
  const decoded = decodeNodeId(id);
  const label = decoded?.type === "Label" ? ctx.state.labels.get(Number(decoded.key)) : undefined;
  if (!label) throw unresolved(id);
  return label;
}

function loginFor(id: string): string {
  const decoded = decodeNodeId(id);
  if (decoded?.type !== "User" && decoded?.type !== "Bot") throw unresolved(id);
  return decoded.key;
}

interface Input<T> {
  input: T & { clientMutationId?: string | null };
}

const labelNames = (ctx: DoubleContext, ids: string[]): string[] =>
  ids.map((id) => labelFor(ctx, id).name);

export function createRoot(ctx: DoubleContext, actor: Actor): Record<string, unknown> {
  const payload = (
    input: { clientMutationId?: string | null },
    fields: Record<string, unknown>,
  ): View => ({
    clientMutationId: input.clientMutationId ?? null,
    ...fields,
  });
  return {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const { urls } = ctx;
      if (
        owner.toLowerCase() !== urls.owner.toLowerCase() ||
        name.toLowerCase() !== urls.name.toLowerCase()
      ) {
        throw gqlError(
          "NOT_FOUND",
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        );
      }
      return repositoryView(ctx);
    },
    node: ({ id }: { id: string }) => {
      const view = nodeView(ctx, id);
      if (!view) throw unresolved(id);
      return view;
    },
    nodes: ({ ids }: { ids: string[] }) =>
      ids.map((id) => {
        const view = nodeView(ctx, id);
        if (!view) throw unresolved(id);
        return view;
      }),

    createIssue: ({
      input,
    }: Input<{
      repositoryId: string;
      title: string;
      body?: string | null;
      labelIds?: string[] | null;
      assigneeIds?: string[] | null;
      parentIssueId?: string | null;
    }>) => {
      if (input.repositoryId !== encodeNodeId("Repository", `${ctx.urls.owner}/${ctx.urls.name}`))
        throw unresolved(input.repositoryId);
      const labels = labelNames(ctx, input.labelIds ?? []);
      const assignees = (input.assigneeIds ?? []).map(loginFor);
      const parent = input.parentIssueId ? issueFor(ctx, input.parentIssueId) : undefined;
      return run(() => {
        // Check everything first so a rejected link never leaves an orphan issue behind.
        validateNewIssue(input);
        if (parent) checkLink(ctx, parent, undefined, false);
        const issue = createIssue(ctx, actor, {
          title: input.title,
          body: input.body,
          labels,
          assignees,
        });
        if (parent) addSubIssue(ctx, actor, parent.number, issue, false);
        return payload(input, { issue: issueView(ctx, issue) });
      });
    },
    addSubIssue: ({
      input,
    }: Input<{
      issueId: string;
      subIssueId?: string | null;
      subIssueUrl?: string | null;
      replaceParent?: boolean | null;
    }>) => {
      const parent = issueFor(ctx, input.issueId);
      const child = input.subIssueId
        ? issueFor(ctx, input.subIssueId)
        : issueFromUrl(ctx, input.subIssueUrl);
      return run(() => {
        addSubIssue(ctx, actor, parent.number, child, input.replaceParent === true);
        return payload(input, { issue: issueView(ctx, parent), subIssue: issueView(ctx, child) });
      });
    },
    removeSubIssue: ({ input }: Input<{ issueId: string; subIssueId: string }>) => {
      const parent = issueFor(ctx, input.issueId);
      const child = issueFor(ctx, input.subIssueId);
      return run(() => {
        removeSubIssue(ctx, actor, parent.number, child);
        return payload(input, { issue: issueView(ctx, parent), subIssue: issueView(ctx, child) });
      });
    },
    updateIssue: ({
      input,
    }: Input<{
      id: string;
      title?: string | null;
      body?: string | null;
      state?: string | null;
      labelIds?: string[] | null;
      assigneeIds?: string[] | null;
    }>) => {
      const issue = issueFor(ctx, input.id);
      const changes: IssueChanges = {};
      if (input.title != null) changes.title = input.title;
      if (input.body != null) changes.body = input.body;
      if (input.state != null) changes.state = input.state.toLowerCase();
      if (input.labelIds != null) changes.labels = labelNames(ctx, input.labelIds);
      if (input.assigneeIds != null) changes.assignees = input.assigneeIds.map(loginFor);
      return run(() =>
        payload(input, { issue: issueView(ctx, updateIssue(ctx, actor, issue.number, changes)) }),
      );
    },
    closeIssue: ({ input }: Input<{ issueId: string; stateReason?: string | null }>) => {
      const issue = issueFor(ctx, input.issueId);
      const stateReason = input.stateReason === "NOT_PLANNED" ? "not_planned" : "completed";
      return run(() =>
        payload(input, {
          issue: issueView(
            ctx,
            updateIssue(ctx, actor, issue.number, { state: "closed", state_reason: stateReason }),
          ),
        }),
      );
    },
    reopenIssue: ({ input }: Input<{ issueId: string }>) => {
      const issue = issueFor(ctx, input.issueId);
      return run(() =>
        payload(input, {
          issue: issueView(ctx, updateIssue(ctx, actor, issue.number, { state: "open" })),
        }),
      );
    },
    deleteIssue: ({ input }: Input<{ issueId: string }>) => {
      const issue = issueFor(ctx, input.issueId);
      return run(() => {
        deleteIssue(ctx, actor, issue.number);
        return payload(input, { repository: repositoryView(ctx) });
      });
    },
    addComment: ({ input }: Input<{ subjectId: string; body: string }>) => {
      const issue = issueFor(ctx, input.subjectId);
      return run(() => {
        const comment = createComment(ctx, actor, issue.number, input.body);
        const cursor = Buffer.from(
          `cursor:${ctx.state.commentsOf(issue.number).length - 1}`,
        ).toString("base64");
        return payload(input, {
          commentEdge: { cursor, node: commentView(ctx, comment) },
          subject: issueView(ctx, issue),
        });
      });
    },
    addLabelsToLabelable: ({ input }: Input<{ labelableId: string; labelIds: string[] }>) => {
      const issue = issueFor(ctx, input.labelableId);
      const names = labelNames(ctx, input.labelIds);
      return run(() =>
        payload(input, {
          labelable: issueView(ctx, changeIssueLabels(ctx, actor, issue.number, "add", names)),
        }),
      );
    },
    removeLabelsFromLabelable: ({ input }: Input<{ labelableId: string; labelIds: string[] }>) => {
      const issue = issueFor(ctx, input.labelableId);
      const names = labelNames(ctx, input.labelIds);
      return run(() =>
        payload(input, {
          labelable: issueView(ctx, changeIssueLabels(ctx, actor, issue.number, "remove", names)),
        }),
      );
    },
  };
}

function issueFromUrl(ctx: DoubleContext, url: string | null | undefined): IssueRecord {
  const match = url ? /\/issues\/(\d+)$/.exec(url) : null;
  const issue = match ? ctx.state.issues.get(Number(match[1])) : undefined;
  if (!issue)
    throw gqlError("NOT_FOUND", `Could not resolve to an issue with the URL '${url ?? ""}'`);
  return issue;
}
