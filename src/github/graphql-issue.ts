import { z } from "zod";
import type { GitHubIssue } from "../tasks/github-issue.js";

/** Labels read per issue in GraphQL; an issue with more is re-read over REST. */
export const LABELS_PER_ISSUE = 20;

/** The issue fields Baton reads over GraphQL: what the codec and the Task need. */
export const ISSUE_FIELDS = /* GraphQL */ `
  fragment BatonIssue on Issue {
    id
    databaseId
    number
    title
    body
    state
    stateReason
    url
    createdAt
    updatedAt
    closedAt
    author {
      __typename
      login
    }
    viewerDidAuthor
    authorAssociation
    labels(first: ${LABELS_PER_ISSUE}) {
      nodes {
        name
      }
      pageInfo {
        hasNextPage
      }
    }
    subIssuesSummary {
      total
      completed
    }
  }
`;

export const GraphqlIssueSchema = z.object({
  id: z.string(),
  databaseId: z.number().nullable(),
  number: z.number(),
  title: z.string(),
  body: z.string(),
  state: z.enum(["OPEN", "CLOSED"]),
  stateReason: z.string().nullable(),
  url: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  author: z.object({ __typename: z.string(), login: z.string() }).nullable(),
  viewerDidAuthor: z.boolean(),
  authorAssociation: z.string(),
  labels: z
    .object({
      nodes: z.array(z.object({ name: z.string() }).nullable()).nullable(),
      pageInfo: z.object({ hasNextPage: z.boolean() }),
    })
    .nullable(),
  subIssuesSummary: z.object({ total: z.number(), completed: z.number() }),
});
export type GraphqlIssue = z.infer<typeof GraphqlIssueSchema>;

/** A GraphQL issue in the REST shape the rest of Baton reads (the codec, `toTask`). */
export function toRestIssue(node: GraphqlIssue, parent: number | null): GitHubIssue {
  const apiBase = node.url.replace(/\/issues\/\d+$/, "");
  return {
    id: node.databaseId ?? 0,
    node_id: node.id,
    number: node.number,
    title: node.title,
    body: node.body === "" ? null : node.body,
    state: node.state === "OPEN" ? "open" : "closed",
    state_reason: node.stateReason?.toLowerCase() ?? null,
    labels: (node.labels?.nodes ?? []).flatMap((l) => (l ? [{ name: l.name, id: 0 }] : [])),
    user: node.author
      ? {
          login: node.author.__typename === "Bot" ? `${node.author.login}[bot]` : node.author.login,
          type: node.author.__typename,
        }
      : null,
    // GraphQL has no performed_via_github_app; the viewer is Baton's installation, so this says
    // the App wrote the issue (the provenance check reads it, DESIGN §3a).
    authored_by_app: node.viewerDidAuthor,
    // Whether the author may write decides whose metadata block is believed (docs/trust.md).
    author_association: node.authorAssociation,
    created_at: node.createdAt,
    updated_at: node.updatedAt,
    closed_at: node.closedAt,
    html_url: node.url,
    sub_issues_summary: node.subIssuesSummary,
    // Only the number matters to Baton (see parentNumberOf); GraphQL gives no REST URL.
    parent_issue_url: parent === null ? null : `${apiBase}/issues/${parent}`,
  };
}

/** True when the issue has more labels than one GraphQL read returned. */
export const labelsTruncated = (node: GraphqlIssue): boolean =>
  node.labels?.pageInfo.hasNextPage ?? false;
