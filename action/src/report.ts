import type { OperationResult } from "./operations.js";

/** The step's outputs (names as in action.yml). Pure. */
export function outputsFor(result: OperationResult): Record<string, string> {
  return {
    "task-id": result.task ? String(result.task.id) : "",
    "task-url": result.task?.url ?? "",
    status: result.task?.status ?? "",
    "duplicate-of": result.duplicateOf ? String(result.duplicateOf.id) : "",
    ...(result.claim
      ? {
          "claim-token": result.claim.token === null ? "" : String(result.claim.token),
          "lease-expires-at": result.claim.leaseExpiresAt ?? "",
        }
      : {}),
  };
}

const VERBS: Record<OperationResult["operation"], string> = {
  create: "Created",
  update: "Updated",
  complete: "Completed",
  reopen: "Reopened",
  comment: "Commented on",
  delegate: "Delegated",
  get: "Read",
  claim: "Claimed",
  heartbeat: "Renewed the claim on",
  state: "Set the session state of",
  release: "Released",
  link: "Linked",
  block: "Blocked",
  unblock: "Unblocked",
};

/** Task text comes from workflows and agents: keep it from breaking the summary's Markdown. */
const escapeMarkdown = (text: string) => text.replace(/[\\`*_[\]<>|#@]/g, (c) => `\\${c}`);

/** The job summary: one line with a link to the task, and the comment if one was posted. Pure. */
export function summaryFor(result: OperationResult, mode: "rest" | "token"): string {
  const { task } = result;
  const how =
    mode === "rest" ? `_Through the Baton API._` : `_Directly on the issues (token mode)._`;
  if (!task)
    return `### Baton: nothing ready to claim\n\nNo open, unclaimed task matched.\n\n${how}\n`;
  const link = `[#${task.id} ${escapeMarkdown(task.content)}](${task.url})`;
  const lines = result.duplicateOf
    ? [
        `### Baton: duplicate found, nothing created`,
        ``,
        `An open task already covers this: ${link} (status \`${task.status}\`).`,
      ]
    : [`### Baton: ${VERBS[result.operation]} task`, ``, `${link}: status \`${task.status}\`.`];
  if (result.commentUrl) lines.push(``, `[Comment](${result.commentUrl}) posted.`);
  if (result.claim?.leaseExpiresAt) {
    // A heartbeat sent without a token has none to show.
    const token = result.claim.token === null ? "" : `; claim token ${result.claim.token}`;
    lines.push(``, `Lease until ${result.claim.leaseExpiresAt}${token}.`);
  }
  lines.push(``, how);
  return `${lines.join("\n")}\n`;
}
