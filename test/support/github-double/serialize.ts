// REST (and webhook) JSON shapes, matching GitHub's OpenAPI description.
import type { DoubleContext } from "./context.ts";
import { encodeNodeId } from "./node-id.ts";
import type { CommentRecord, IssueRecord, LabelRecord } from "./state.ts";

export function reactionsJson(url: string): Record<string, unknown> {
  return {
    url,
    total_count: 0,
    "+1": 0,
    "-1": 0,
    laugh: 0,
    hooray: 0,
    confused: 0,
    heart: 0,
    rocket: 0,
    eyes: 0,
  };
}

export function labelJson(ctx: DoubleContext, label: LabelRecord): Record<string, unknown> {
  return {
    id: label.id,
    node_id: label.nodeId,
    url: ctx.urls.labelApi(label.name),
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  };
}

export function appJson(ctx: DoubleContext): Record<string, unknown> {
  const { app, urls } = ctx;
  return {
    id: app.appId,
    client_id: `Iv1.double${app.appId}`,
    slug: app.appSlug,
    node_id: encodeNodeId("Bot", `app-${app.appId}`),
    owner: ctx.people.user(urls.owner),
    name: app.appSlug,
    description: "GitHub API double",
    external_url: urls.web,
    html_url: `${urls.web}/apps/${app.appSlug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: { issues: "write", metadata: "read" },
    events: ["issues", "issue_comment", "label", "sub_issues", "issue_dependencies"],
  };
}

export function subIssuesSummary(
  ctx: DoubleContext,
  issue: IssueRecord,
): { total: number; completed: number; percent_completed: number } {
  const children = issue.subIssues
    .map((n) => ctx.state.issues.get(n))
    .filter((c) => c !== undefined);
  const total = children.length;
  const completed = children.filter((c) => c.state === "closed").length;
  return {
    total,
    completed,
    percent_completed: total === 0 ? 0 : Math.floor((completed * 100) / total),
  };
}

/** Open counts (`blocked_by`, `blocking`) beside totals, as GitHub's issue_dependencies_summary. */
export function issueDependenciesSummary(
  ctx: DoubleContext,
  issue: IssueRecord,
): { blocked_by: number; blocking: number; total_blocked_by: number; total_blocking: number } {
  const open = (numbers: number[]) =>
    numbers.filter((n) => ctx.state.issues.get(n)?.state === "open").length;
  const blocking = ctx.state.blocking(issue.number);
  return {
    blocked_by: open(issue.blockedBy),
    blocking: open(blocking),
    total_blocked_by: issue.blockedBy.length,
    total_blocking: blocking.length,
  };
}

export function issueJson(ctx: DoubleContext, issue: IssueRecord): Record<string, unknown> {
  const { urls, people, state } = ctx;
  const url = urls.issueApi(issue.number);
  const assignees = issue.assignees.map((login) => people.user(login));
  const labels = issue.labelIds.map((id) => state.labels.get(id)).filter((l) => l !== undefined);
  return {
    url,
    repository_url: urls.repoApi,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: urls.issueWeb(issue.number),
    id: issue.id,
    node_id: issue.nodeId,
    number: issue.number,
    title: issue.title,
    user: people.user(issue.author),
    labels: labels.map((l) => labelJson(ctx, l)),
    state: issue.state,
    locked: false,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    comments: state.commentsOf(issue.number).length,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: people.association(issue.author),
    type: null,
    active_lock_reason: null,
    sub_issues_summary: subIssuesSummary(ctx, issue),
    parent_issue_url: issue.parent === null ? null : urls.issueApi(issue.parent),
    issue_dependencies_summary: issueDependenciesSummary(ctx, issue),
    body: issue.body,
    closed_by: issue.closedBy === null ? null : people.user(issue.closedBy),
    reactions: reactionsJson(`${url}/reactions`),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: issue.viaApp ? appJson(ctx) : null,
    state_reason: issue.stateReason,
  };
}

export function commentJson(ctx: DoubleContext, comment: CommentRecord): Record<string, unknown> {
  const { urls, people } = ctx;
  const url = urls.commentApi(comment.id);
  return {
    url,
    html_url: urls.commentWeb(comment.issueNumber, comment.id),
    issue_url: urls.issueApi(comment.issueNumber),
    id: comment.id,
    node_id: comment.nodeId,
    user: people.user(comment.author),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: people.association(comment.author),
    body: comment.body,
    reactions: reactionsJson(`${url}/reactions`),
    performed_via_github_app: comment.viaApp ? appJson(ctx) : null,
  };
}

/** The task repository's id (deliveries name it as `repository_id`). */
export const REPOSITORY_ID = 500_001;

export function repositoryJson(ctx: DoubleContext): Record<string, unknown> {
  const { urls, state } = ctx;
  const api = urls.repoApi;
  const openIssues = [...state.issues.values()].filter((i) => i.state === "open").length;
  return {
    id: REPOSITORY_ID,
    node_id: encodeNodeId("Repository", `${urls.owner}/${urls.name}`),
    name: urls.name,
    full_name: `${urls.owner}/${urls.name}`,
    private: false,
    owner: ctx.people.user(urls.owner),
    html_url: urls.repoWeb,
    description: null,
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: ctx.app.createdAt,
    updated_at: ctx.app.createdAt,
    pushed_at: ctx.app.createdAt,
    git_url: `git://${urls.host}/${urls.owner}/${urls.name}.git`,
    ssh_url: `git@${urls.host}:${urls.owner}/${urls.name}.git`,
    clone_url: `${urls.repoWeb}.git`,
    svn_url: urls.repoWeb,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: false,
    has_downloads: false,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: "public",
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: "main",
  };
}
