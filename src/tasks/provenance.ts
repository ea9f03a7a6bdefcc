import { HANDOVER_LABEL } from "./labels.js";

/** The parts of an issue that say where it came from. */
export interface IssueOrigin {
  user: { login: string; type?: string | undefined } | null;
  performed_via_github_app?: { id: number } | null | undefined;
  authored_by_app?: boolean | undefined;
  labels: { name: string }[];
}

/** The companion Action's token mode writes as this bot; only the repository's workflows can. */
const ACTIONS_BOT = "github-actions[bot]";

/**
 * DESIGN §3a: is this issue a task? Pure, and read from GitHub alone, so the answer is the same
 * after the store is lost and rebuilt.
 * - Baton created it: GitHub names the App in `performed_via_github_app` (REST and webhooks) or
 *   answers `viewerDidAuthor` to the App's installation (GraphQL, `authored_by_app`), neither
 *   forgeable by a person; or the repository's workflows did through the Action's token mode.
 * - A person with write access handed it over with the `baton:task` label. GitHub lets only
 *   people with triage or write access label issues (and drops labels a stranger sends with a
 *   new issue), so the label's presence is the proof.
 * Anything else, whatever its body claims, is not a task.
 */
export function isTask(issue: IssueOrigin, appId: number | undefined): boolean {
  return createdByBaton(issue, appId) || issue.labels.some((l) => l.name === HANDOVER_LABEL);
}

/** Baton created the issue: the App (REST, webhooks, GraphQL) or the Action's token mode. */
export function createdByBaton(issue: IssueOrigin, appId: number | undefined): boolean {
  const app = issue.performed_via_github_app;
  if (app && (appId === undefined || app.id === appId)) return true;
  if (issue.authored_by_app === true) return true;
  return issue.user?.type === "Bot" && issue.user.login === ACTIONS_BOT;
}
