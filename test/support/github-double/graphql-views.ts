// GraphQL objects for records. graphql-js's default resolver calls function-valued
// properties with (args), so views are plain objects with lazy fields.
import type { DoubleContext } from "./context.ts";
import { connection, gqlError, type ConnectionArgs } from "./graphql-connection.ts";
import { decodeNodeId, encodeNodeId } from "./node-id.ts";
import { subIssuesSummary } from "./serialize.ts";
import type { CommentRecord, IssueRecord, LabelRecord } from "./state.ts";

export type View = Record<string, unknown>;

/** Per request: who is asking (a login; the App's bot for installation tokens). */
export interface GraphqlContext {
  viewer: string;
}

export function actorView(ctx: DoubleContext, login: string): View {
  const bot = ctx.people.isBot(login);
  // GitHub's GraphQL names a bot without the "[bot]" suffix REST uses.
  return {
    __typename: bot ? "Bot" : "User",
    id: encodeNodeId(bot ? "Bot" : "User", login),
    databaseId: ctx.people.userId(login),
    login: bot ? login.replace(/\[bot\]$/, "") : login,
    avatarUrl: `${ctx.urls.web}/avatars/u/${ctx.people.userId(login)}?v=4`,
    url: ctx.urls.userWeb(login),
  };
}

export function labelView(ctx: DoubleContext, label: LabelRecord): View {
  return {
    __typename: "Label",
    id: label.nodeId,
    name: label.name,
    color: label.color,
    description: label.description,
    isDefault: false,
    url: `${ctx.urls.repoWeb}/labels/${encodeURIComponent(label.name)}`,
    createdAt: null,
  };
}

export function commentView(ctx: DoubleContext, comment: CommentRecord): View {
  return {
    __typename: "IssueComment",
    id: comment.nodeId,
    databaseId: comment.id,
    body: comment.body,
    author: actorView(ctx, comment.author),
    createdAt: comment.createdAt,
    updatedAt: comment.updatedAt,
    url: ctx.urls.commentWeb(comment.issueNumber, comment.id),
    issue: () => {
      const issue = ctx.state.issues.get(comment.issueNumber);
      return issue ? issueView(ctx, issue) : null;
    },
  };
}

export function issueView(ctx: DoubleContext, issue: IssueRecord): View {
  const { state } = ctx;
  const summary = subIssuesSummary(ctx, issue);
  return {
    __typename: "Issue",
    id: issue.nodeId,
    databaseId: issue.id,
    number: issue.number,
    title: issue.title,
    body: issue.body ?? "",
    state: issue.state.toUpperCase(),
    stateReason: issue.stateReason?.toUpperCase() ?? null,
    closed: issue.state === "closed",
    url: ctx.urls.issueWeb(issue.number),
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    closedAt: issue.closedAt,
    author: actorView(ctx, issue.author),
    // The viewer is whoever the request acts as (for the App, its bot).
    viewerDidAuthor: (_args: unknown, context: GraphqlContext) => issue.author === context.viewer,
    authorAssociation: ctx.people.association(issue.author),
    repository: () => repositoryView(ctx),
    labels: (args: ConnectionArgs) =>
      connection(
        issue.labelIds.flatMap((id) => state.labels.get(id) ?? []).map((l) => labelView(ctx, l)),
        args,
        "labels",
      ),
    assignees: (args: ConnectionArgs) =>
      connection(
        issue.assignees.map((login) => actorView(ctx, login)),
        args,
        "assignees",
      ),
    comments: (args: ConnectionArgs) =>
      connection(
        state.commentsOf(issue.number).map((c) => commentView(ctx, c)),
        args,
        "comments",
      ),
    parent: () => {
      const parent = issue.parent === null ? undefined : state.issues.get(issue.parent);
      return parent ? issueView(ctx, parent) : null;
    },
    subIssues: (args: ConnectionArgs) =>
      connection(
        issue.subIssues.flatMap((n) => state.issues.get(n) ?? []).map((i) => issueView(ctx, i)),
        args,
        "subIssues",
      ),
    subIssuesSummary: {
      total: summary.total,
      completed: summary.completed,
      percentCompleted: summary.percent_completed,
    },
  };
}

interface IssuesArgs extends ConnectionArgs {
  states?: string[] | null;
  labels?: string[] | null;
  orderBy?: { field: string; direction: string } | null;
  filterBy?: {
    states?: string[] | null;
    labels?: string[] | null;
    since?: string | null;
    createdBy?: string | null;
    assignee?: string | null;
  } | null;
}

function listIssues(ctx: DoubleContext, args: IssuesArgs): IssueRecord[] {
  const states = args.states ?? args.filterBy?.states ?? undefined;
  // GitHub's GraphQL label filter matches issues having ANY of the labels (REST requires all).
  const labels = (args.labels ?? args.filterBy?.labels ?? undefined)?.map((l) => l.toLowerCase());
  const since = args.filterBy?.since ? Date.parse(args.filterBy.since) : undefined;
  const createdBy = args.filterBy?.createdBy ?? undefined;
  const assignee = args.filterBy?.assignee ?? undefined;
  const field = args.orderBy?.field ?? "CREATED_AT";
  const sign = args.orderBy?.direction === "DESC" ? -1 : 1;
  const key = (i: IssueRecord): number =>
    field === "UPDATED_AT"
      ? Date.parse(i.updatedAt)
      : field === "COMMENTS"
        ? ctx.state.commentsOf(i.number).length
        : i.number;
  return [...ctx.state.issues.values()]
    .filter((i) => !states || states.includes(i.state.toUpperCase()))
    .filter(
      (i) =>
        !labels ||
        i.labelIds.some((id) =>
          labels.includes(ctx.state.labels.get(id)?.name.toLowerCase() ?? ""),
        ),
    )
    .filter((i) => since === undefined || Date.parse(i.updatedAt) >= since)
    .filter((i) => !createdBy || i.author === createdBy)
    .filter((i) => !assignee || i.assignees.includes(assignee))
    .sort((a, b) => sign * (key(a) - key(b) || a.number - b.number));
}

export function repositoryView(ctx: DoubleContext): View {
  const { urls, state } = ctx;
  return {
    __typename: "Repository",
    id: encodeNodeId("Repository", `${urls.owner}/${urls.name}`),
    databaseId: 500_001,
    name: urls.name,
    nameWithOwner: `${urls.owner}/${urls.name}`,
    owner: { login: urls.owner },
    url: urls.repoWeb,
    issue: ({ number }: { number: number }) => {
      const issue = state.issues.get(number);
      if (!issue)
        throw gqlError("NOT_FOUND", `Could not resolve to an Issue with the number of ${number}.`);
      return issueView(ctx, issue);
    },
    issues: (args: IssuesArgs) =>
      connection(
        listIssues(ctx, args).map((i) => issueView(ctx, i)),
        args,
        "issues",
      ),
    label: ({ name }: { name: string }) => {
      const label = state.findLabel(name);
      return label ? labelView(ctx, label) : null;
    },
    labels: (args: ConnectionArgs & { query?: string | null }) => {
      const q = args.query?.toLowerCase();
      const all = [...state.labels.values()].filter(
        (l) =>
          !q || l.name.toLowerCase().includes(q) || (l.description ?? "").toLowerCase().includes(q),
      );
      return connection(
        all.map((l) => labelView(ctx, l)),
        args,
        "labels",
      );
    },
  };
}

/** Look a global id up; undefined when it names nothing. */
export function nodeView(ctx: DoubleContext, id: string): View | undefined {
  const decoded = decodeNodeId(id);
  if (!decoded) return undefined;
  const { state } = ctx;
  switch (decoded.type) {
    case "Issue": {
      const issue = state.issues.get(Number(decoded.key));
      return issue && issueView(ctx, issue);
    }
    case "Label": {
      const label = state.labels.get(Number(decoded.key));
      return label && labelView(ctx, label);
    }
    case "IssueComment": {
      const comment = state.comments.get(Number(decoded.key));
      return comment && commentView(ctx, comment);
    }
    case "Repository":
      return decoded.key === `${ctx.urls.owner}/${ctx.urls.name}` ? repositoryView(ctx) : undefined;
    case "User":
    case "Bot":
      return actorView(ctx, decoded.key);
  }
}
