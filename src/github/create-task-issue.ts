import { writeOnce, type WriteIntent } from "../idempotency.js";
import type { IssueWrite } from "../tasks/issue-writes.js";
import type { GitHubIssue } from "../tasks/github-issue.js";
import type { IssueGateway } from "./issue-gateway.js";
import type { RecentChanges } from "./recent-changes.js";
import type { SubIssueGateway } from "./sub-issue-gateway.js";

type NewIssue = Required<Pick<IssueWrite, "title" | "body" | "labels">>;

export interface TaskIssueWriters {
  gateway: Pick<IssueGateway, "createIssue">;
  subIssues: Pick<SubIssueGateway, "createSubIssue">;
  changes: Pick<RecentChanges, "issueWithNonce">;
}

/**
 * Creates a task's issue at most once (the server and the Action share it): when GitHub's answer
 * is lost, the issue is looked up by the nonce it carries before anything is written again. With
 * `parent`, the issue is created as its sub-issue in the same request.
 */
export function createTaskIssueOnce(
  writers: TaskIssueWriters,
  intent: WriteIntent,
  write: NewIssue,
  parent?: { number: number; nodeId: string },
): Promise<GitHubIssue> {
  return writeOnce(
    intent,
    () =>
      parent
        ? writers.subIssues.createSubIssue(write, parent, intent.nonce)
        : writers.gateway.createIssue(write),
    (since) => writers.changes.issueWithNonce(intent.nonce, since),
  );
}
