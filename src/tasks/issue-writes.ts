import type { GitHubIssue } from "./github-issue.js";
import { encodeTask, type TaskFields } from "./issue-codec.js";

/**
 * The writes that turn an issue into a task's new state. Pure: the server, the delegation
 * lifecycle and the Action's token mode all write through these, so they cannot drift apart.
 */

/** What one PATCH of an issue sends (only the parts that change). */
export interface IssueWrite {
  title?: string;
  body?: string;
  labels?: string[];
  state?: "open" | "closed";
  state_reason?: "completed" | "not_planned" | "reopened";
}

/** Only the parts of the issue that differ, so an update sends what changed and nothing else. */
export function changedParts(issue: GitHubIssue, fields: TaskFields): IssueWrite {
  const encoded = encodeTask(fields);
  const write: IssueWrite = {};
  if (encoded.title !== issue.title) write.title = encoded.title;
  if (encoded.body !== (issue.body ?? "")) write.body = encoded.body;
  const current = issue.labels.map((l) => l.name);
  const same =
    current.length === encoded.labels.length && encoded.labels.every((l) => current.includes(l));
  if (!same) write.labels = encoded.labels;
  return write;
}

/** Completed (closed as completed), by `agentId` when an agent did it. */
export function completionWrite(
  issue: GitHubIssue,
  fields: TaskFields,
  agentId: string | null,
): IssueWrite {
  const done: TaskFields = {
    ...fields,
    status: "open",
    // A completed task is held by nobody: the header stops naming a claim holder.
    meta: { ...fields.meta, completed_by: agentId, claim: null },
  };
  return { ...changedParts(issue, done), state: "closed", state_reason: "completed" };
}

/** Open again, with `fields`' status (open, or delegated when it still has open children). */
export function reopeningWrite(issue: GitHubIssue, fields: TaskFields): IssueWrite {
  const open: TaskFields = { ...fields, meta: { ...fields.meta, completed_by: null } };
  return { ...changedParts(issue, open), state: "open", state_reason: "reopened" };
}
