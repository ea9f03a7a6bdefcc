import { z } from "zod";
import {
  GitHubCommentSchema,
  GitHubIssueSchema,
  GitHubUserSchema,
  type GitHubComment,
  type GitHubIssue,
} from "../tasks/github-issue.js";
import type { Actor } from "./event-schema.js";

/** A GitHub webhook as the App received it. */
export interface InboundWebhook {
  /** `X-GitHub-Delivery`. */
  id: string;
  name: string;
  payload: unknown;
}

export type Sender = z.infer<typeof GitHubUserSchema>;

/** What a webhook says about tasks, before the relay turns it into an event. */
export type Inbound =
  | { kind: "issue"; action: string; issue: GitHubIssue; sender: Sender }
  | { kind: "comment"; issue: GitHubIssue; comment: GitHubComment; sender: Sender }
  | { kind: "link"; parent: GitHubIssue; child: GitHubIssue; sender: Sender }
  | { kind: "ignore"; reason: string };

const IssuesPayload = z.object({
  action: z.string(),
  issue: GitHubIssueSchema,
  sender: GitHubUserSchema,
});
const CommentPayload = z.object({
  action: z.string(),
  issue: GitHubIssueSchema,
  comment: GitHubCommentSchema,
  sender: GitHubUserSchema,
});
const SubIssuesPayload = z.object({
  action: z.string(),
  parent_issue: GitHubIssueSchema,
  sub_issue: GitHubIssueSchema,
  sender: GitHubUserSchema,
});

/** Issue actions that can change a task; the rest (pinned, locked, milestoned…) cannot. */
const ISSUE_ACTIONS = new Set([
  "opened",
  "edited",
  "closed",
  "reopened",
  "labeled",
  "unlabeled",
  "assigned",
  "unassigned",
  "deleted",
  "transferred",
]);

/**
 * Reads an `issues`, `issue_comment` or `sub_issues` webhook. Pure. `label` webhooks change no
 * task (they only invalidate the label cache), and pull requests are not tasks.
 */
export function readWebhook(webhook: InboundWebhook): Inbound {
  const ignore = (reason: string): Inbound => ({ kind: "ignore", reason });
  switch (webhook.name) {
    case "issues": {
      const parsed = IssuesPayload.safeParse(webhook.payload);
      if (!parsed.success) return ignore("unreadable issues payload");
      const { action, issue, sender } = parsed.data;
      if (!ISSUE_ACTIONS.has(action)) return ignore(`issues.${action} changes no task`);
      return { kind: "issue", action, issue, sender };
    }
    case "issue_comment": {
      const parsed = CommentPayload.safeParse(webhook.payload);
      if (!parsed.success) return ignore("unreadable issue_comment payload");
      const { action, issue, comment, sender } = parsed.data;
      if (issue.pull_request) return ignore("a pull request is not a task");
      // Edits and deletions of comments are not task events (Delega has none).
      if (action !== "created") return ignore(`issue_comment.${action} is not relayed`);
      return { kind: "comment", issue, comment, sender };
    }
    case "sub_issues": {
      const parsed = SubIssuesPayload.safeParse(webhook.payload);
      if (!parsed.success) return ignore("unreadable sub_issues payload");
      // GitHub describes one link twice (from the parent and from the child): keep one.
      if (parsed.data.action !== "sub_issue_added")
        return ignore(`sub_issues.${parsed.data.action} is not relayed`);
      const { parent_issue, sub_issue, sender } = parsed.data;
      return { kind: "link", parent: parent_issue, child: sub_issue, sender };
    }
    default:
      return ignore(`${webhook.name} webhooks change no task`);
  }
}

const TRUSTED = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

export const isBot = (user: { type?: string | undefined } | null | undefined) =>
  user?.type === "Bot";

/**
 * DESIGN §6 trust rule: a change becomes an event only if both the issue (its text reaches
 * agents) and the change come from the App or from people with write access.
 * - The issue: written by a bot (the App, a workflow) or by an OWNER/MEMBER/COLLABORATOR.
 * - The change: by the author (trusted per the first rule), by a bot, or by someone else, which
 *   GitHub only allows people with triage or write access to do (label, close, edit someone
 *   else's issue). So judging the issue's author is enough, with no request per event.
 * Comments are judged by `decodeComment` (the commenter's own association).
 */
export function trustedIssue(issue: GitHubIssue): boolean {
  return (
    isBot(issue.user) ||
    issue.performed_via_github_app != null ||
    TRUSTED.has(issue.author_association ?? "")
  );
}

export function actorOf(sender: Sender): Actor {
  return { type: isBot(sender) ? "bot" : "user", login: sender.login };
}
