import { z } from "zod";

/** GitHub's sub-issue rules: 8 levels with the root as level 1, 100 children per parent. */
export const GITHUB_MAX_LEVELS = 8;
export const MAX_CHILDREN = 100;

/** The parts of GitHub's REST objects Baton reads; parsed at the boundary. */
export const GitHubUserSchema = z.object({
  login: z.string(),
  type: z.string().optional(),
  id: z.number().optional(),
});

export const GitHubLabelSchema = z.object({
  id: z.number(),
  /** GraphQL global id (createIssue takes label node ids). */
  node_id: z.string().optional(),
  name: z.string(),
  color: z.string().nullish(),
  description: z.string().nullish(),
});
export type GitHubLabel = z.infer<typeof GitHubLabelSchema>;

export const GitHubIssueSchema = z.object({
  id: z.number(),
  node_id: z.string(),
  number: z.number(),
  title: z.string(),
  body: z.string().nullable(),
  state: z.enum(["open", "closed"]),
  state_reason: z.string().nullish(),
  labels: z.array(
    z.union([
      z.string().transform((name) => ({ name, id: 0 })),
      GitHubLabelSchema.pick({ name: true, id: true }),
    ]),
  ),
  user: GitHubUserSchema.nullable(),
  author_association: z.string().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable(),
  html_url: z.string(),
  pull_request: z.unknown().optional(),
  performed_via_github_app: z.object({ id: z.number() }).nullish(),
  /** Read over GraphQL only (`viewerDidAuthor` as Baton's installation): the App wrote it. */
  authored_by_app: z.boolean().optional(),
  /** Sub-issue counts (GitHub counts closed children of either reason as completed). */
  sub_issues_summary: z.object({ total: z.number(), completed: z.number() }).nullish(),
  /** REST URL of the sub-issue parent, if any. */
  parent_issue_url: z.string().nullish(),
  /** The issue's repository (a dependency may name an issue of another repository). */
  repository_url: z.string().optional(),
  /** Dependency counts: open blockers and open blocked issues, beside the totals. */
  issue_dependencies_summary: z
    .object({
      blocked_by: z.number(),
      blocking: z.number(),
      total_blocked_by: z.number(),
      total_blocking: z.number(),
    })
    .nullish(),
});
export type GitHubIssue = z.infer<typeof GitHubIssueSchema>;

export const GitHubCommentSchema = z.object({
  id: z.number(),
  body: z.string().nullish(),
  user: GitHubUserSchema.nullable(),
  author_association: z.string().optional(),
  created_at: z.string(),
  html_url: z.string(),
  performed_via_github_app: z.object({ id: z.number() }).nullish(),
});
export type GitHubComment = z.infer<typeof GitHubCommentSchema>;

/** The parent's issue number from `parent_issue_url` (`…/issues/12`), or null for a root. */
export function parentNumberOf(issue: Pick<GitHubIssue, "parent_issue_url">): number | null {
  const match = issue.parent_issue_url ? /\/issues\/(\d+)$/.exec(issue.parent_issue_url) : null;
  return match ? Number(match[1]) : null;
}
