import type { GitHubIssue } from "./github-issue.js";
import type { DecodedIssue } from "./issue-codec.js";
import { changedParts, type IssueWrite } from "./issue-writes.js";
import type { ClaimDisplay } from "./lease-rules.js";

/** Statuses a claim may show over; `delegated` and `failed` say more and stay. */
const CLAIM_SHOWN = new Set(["open", "in_progress", "blocked"]);

/**
 * The one issue write that shows a claim on github.com (issue #17): `status:in-progress` and
 * "claimed by **x**" in the header while held; `status:blocked` with the detail while the holder
 * waits for input or has errored; back to open when released. Empty when GitHub already shows it.
 * A closed issue never starts showing a claim; its claim, released when a person closed it on
 * github.com, is taken off (a completing write by Baton has already done so). Pure.
 */
export function claimDisplayWrite(
  issue: GitHubIssue,
  decoded: DecodedIssue,
  display: ClaimDisplay | null,
): IssueWrite {
  if (decoded.closed && display) return {};
  let status = decoded.status;
  if (display && CLAIM_SHOWN.has(status))
    status = display.state === "working" ? "in_progress" : "blocked";
  // Only undo what a claim showed: a status a person set without a claim stays.
  if (!display && decoded.meta.claim && (status === "in_progress" || status === "blocked"))
    status = "open";
  return changedParts(issue, { ...decoded, status, meta: { ...decoded.meta, claim: display } });
}
