import { z } from "zod";
import {
  GitHubCommentSchema,
  GitHubIssueSchema,
  GitHubUserSchema,
  type GitHubComment,
  type GitHubIssue,
} from "../tasks/github-issue.js";

/** A GitHub webhook as the App received it. */
export interface Delivery {
  /** `X-GitHub-Delivery`. */
  id: string;
  /** `X-GitHub-Event`. */
  name: string;
  payload: unknown;
}

export type Sender = z.infer<typeof GitHubUserSchema>;

/** Issue actions that can change a task; the rest (pinned, locked, milestoned…) cannot. */
const ISSUE_ACTIONS = [
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
] as const;
export type IssueAction = (typeof ISSUE_ACTIONS)[number];

const Repository = z.object({ full_name: z.string() });

const ActionOnly = z.object({ action: z.string() });

/** The parts of each webhook Baton reads: one schema per event, parsed once. */
const IssuesPayload = z.object({
  action: z.string(),
  issue: GitHubIssueSchema,
  sender: GitHubUserSchema,
  repository: Repository,
  /** `edited`: the previous title/body. */
  changes: z
    .object({
      title: z.object({ from: z.string() }).optional(),
      body: z.object({ from: z.string().nullable() }).optional(),
    })
    .optional(),
  /** `labeled` / `unlabeled`: the label. */
  label: z.object({ name: z.string() }).optional(),
});
const IssueCommentPayload = z.object({
  action: z.string(),
  issue: GitHubIssueSchema,
  comment: GitHubCommentSchema,
  sender: GitHubUserSchema,
  repository: Repository,
});
const SubIssuesPayload = z.object({
  action: z.enum([
    "sub_issue_added",
    "sub_issue_removed",
    "parent_issue_added",
    "parent_issue_removed",
  ]),
  parent_issue: GitHubIssueSchema,
  sub_issue: GitHubIssueSchema,
  sender: GitHubUserSchema,
  repository: Repository.optional(),
  parent_issue_repo: Repository.optional(),
  sub_issue_repo: Repository.optional(),
});
const IssueDependenciesPayload = z.object({
  action: z.enum(["blocked_by_added", "blocked_by_removed", "blocking_added", "blocking_removed"]),
  blocked_issue: GitHubIssueSchema,
  blocking_issue: GitHubIssueSchema,
  sender: GitHubUserSchema,
  repository: Repository.optional(),
  blocked_issue_repo: Repository.optional(),
  blocking_issue_repo: Repository.optional(),
});
const LabelPayload = z.object({
  action: z.string(),
  sender: GitHubUserSchema.optional(),
  repository: Repository,
});

export type IssueChanges = NonNullable<z.infer<typeof IssuesPayload>["changes"]>;

/** What a webhook says, once parsed: every step of the router reads this, never the payload. */
export type GitHubWebhook =
  | {
      kind: "issue";
      action: IssueAction;
      issue: GitHubIssue;
      sender: Sender;
      changes?: IssueChanges;
      label?: { name: string };
    }
  | { kind: "comment"; issue: GitHubIssue; comment: GitHubComment; sender: Sender }
  | { kind: "link"; added: boolean; parent: GitHubIssue; child: GitHubIssue; sender: Sender }
  /** GitHub's issue dependency: `blocked` waits for `blocker` (added or removed). */
  | {
      kind: "dependency";
      added: boolean;
      blocked: GitHubIssue;
      blocker: GitHubIssue;
      sender: Sender;
    }
  | { kind: "label"; action: string; sender: Sender | undefined }
  | { kind: "ignore"; reason: string; unreadable?: true }
  /** From a repository other than the task repository: nothing of Baton's. */
  | { kind: "foreign"; repository: string };

/**
 * Reads one delivery for the task repository `repository` (`owner/name`, any case). Pure.
 * Pull requests are not tasks; comment edits and deletions are not task events (Delega has none).
 */
// eslint-disable-next-line max-lines-per-function -- one case per webhook GitHub sends, a dispatch table
export function readDelivery(delivery: Delivery, repository: string): GitHubWebhook {
  const ignore = (reason: string): GitHubWebhook => ({ kind: "ignore", reason });
  const unreadable = (): GitHubWebhook => ({
    kind: "ignore",
    reason: `unreadable ${delivery.name} payload`,
    unreadable: true,
  });
  const ours = (repo: { full_name: string } | undefined) =>
    repo?.full_name.toLowerCase() === repository.toLowerCase();
  const foreign = (repo: { full_name: string } | undefined): GitHubWebhook => ({
    kind: "foreign",
    repository: repo?.full_name ?? "?",
  });
  switch (delivery.name) {
    case "issues": {
      // The action first: a pinned or milestoned issue is not read at all.
      const kind = ActionOnly.safeParse(delivery.payload);
      if (kind.success && !isIssueAction(kind.data.action))
        return ignore(`issues.${kind.data.action} changes no task`);
      const parsed = IssuesPayload.safeParse(delivery.payload);
      if (!parsed.success) return unreadable();
      const { issue, sender, repository: repo, changes, label } = parsed.data;
      const action = parsed.data.action as IssueAction;
      if (!ours(repo)) return foreign(repo);
      return {
        kind: "issue",
        action,
        issue,
        sender,
        ...(changes ? { changes } : {}),
        ...(label ? { label } : {}),
      };
    }
    case "issue_comment": {
      const parsed = IssueCommentPayload.safeParse(delivery.payload);
      if (!parsed.success) return unreadable();
      const { action, issue, comment, sender, repository: repo } = parsed.data;
      if (!ours(repo)) return foreign(repo);
      if (issue.pull_request) return ignore("a pull request is not a task");
      if (action !== "created") return ignore(`issue_comment.${action} is not a task event`);
      return { kind: "comment", issue, comment, sender };
    }
    case "sub_issues": {
      const parsed = SubIssuesPayload.safeParse(delivery.payload);
      if (!parsed.success) return unreadable();
      const { action, parent_issue, sub_issue, sender } = parsed.data;
      const childRepo = parsed.data.sub_issue_repo ?? parsed.data.repository;
      const parentRepo = parsed.data.parent_issue_repo ?? childRepo;
      if (!ours(childRepo)) return foreign(childRepo);
      if (!ours(parentRepo)) return foreign(parentRepo);
      // GitHub describes one link twice (sub_issue_* from the parent, parent_issue_* from the
      // child): the child's side is dropped here, once, so no step sees a link twice.
      if (action.startsWith("parent_issue_"))
        return ignore(`sub_issues.${action} repeats the link`);
      return {
        kind: "link",
        added: action === "sub_issue_added",
        parent: parent_issue,
        child: sub_issue,
        sender,
      };
    }
    case "issue_dependencies": {
      const parsed = IssueDependenciesPayload.safeParse(delivery.payload);
      if (!parsed.success) return unreadable();
      const { action, blocked_issue, blocking_issue, sender } = parsed.data;
      // One side names the other issue's repository; the payload's own is the event's issue's.
      const blockedRepo = parsed.data.blocked_issue_repo ?? parsed.data.repository;
      const blockerRepo = parsed.data.blocking_issue_repo ?? parsed.data.repository;
      if (!ours(blockedRepo)) return foreign(blockedRepo);
      if (!ours(blockerRepo)) return foreign(blockerRepo);
      // GitHub describes one dependency twice (blocked_by_* and blocking_*); both are kept, as
      // one may come without the other, and applying the second changes nothing.
      return {
        kind: "dependency",
        added: action.endsWith("_added"),
        blocked: blocked_issue,
        blocker: blocking_issue,
        sender,
      };
    }
    case "label": {
      const parsed = LabelPayload.safeParse(delivery.payload);
      if (!parsed.success) return unreadable();
      if (!ours(parsed.data.repository)) return foreign(parsed.data.repository);
      return { kind: "label", action: parsed.data.action, sender: parsed.data.sender };
    }
    default:
      return ignore(`${delivery.name} webhooks change no task`);
  }
}

function isIssueAction(action: string): action is IssueAction {
  return (ISSUE_ACTIONS as readonly string[]).includes(action);
}
