import type { GitHubIssue } from "../tasks/github-issue.js";
import type { Sender } from "../github/webhook-payloads.js";
import type { Actor } from "./event-schema.js";

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
