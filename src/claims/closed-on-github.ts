import type { Journal } from "../store/journal-store.js";
import { causeOf } from "../events/trust.js";
import type { Sender } from "../github/webhook-payloads.js";
import type { GitHubIssue } from "../tasks/github-issue.js";
import { editorOf } from "../tasks/metadata-block.js";
import type { ClaimService } from "./claim-service.js";

export interface ClosedOnGitHubOptions {
  claims: Pick<ClaimService, "closedOnGitHub">;
  journal: Pick<Journal, "writerOf">;
  isTask: (issue: GitHubIssue) => boolean;
}

/**
 * The webhook router's claim step (issue #17): a task closed on github.com releases its live
 * claim at once, with `task.released` (`completed`, or `deleted` when closed as not planned)
 * naming who closed it. A close Baton made for an agent already released the claim (nothing left
 * to do); the author of a handed-over issue without write access may close it on GitHub, but no
 * agent hears from them (DESIGN §6): that claim ends with its lease, as before.
 */
export function releaseOnClose(o: ClosedOnGitHubOptions): {
  issueClosed(issue: GitHubIssue, sender: Sender, reason: "completed" | "deleted"): void;
} {
  return {
    issueClosed(issue, sender, reason) {
      if (!o.isTask(issue) || editorOf(sender, issue) === "stranger") return;
      const by = causeOf(sender, () => o.journal.writerOf(issue.number, issue.updated_at));
      o.claims.closedOnGitHub(issue.number, by, reason);
    },
  };
}
