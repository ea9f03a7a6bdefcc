import type { DeliverySummary } from "../github/hook-deliveries.js";
import type { GitHubIssue } from "../tasks/github-issue.js";
import type { RepoComment } from "../github/recent-changes.js";
import type { Delivery, Sender } from "../github/webhook-payloads.js";

/** The webhooks Baton acts on; GitHub's other deliveries to the App need no replay. */
const REPLAYED_EVENTS = new Set([
  "issues",
  "issue_comment",
  "sub_issues",
  "issue_dependencies",
  "label",
]);

const succeeded = (d: DeliverySummary) => d.status_code >= 200 && d.status_code < 300;

/**
 * The deliveries Baton missed, in the order GitHub first sent them: events Baton acts on whose
 * every attempt failed (GitHub never retries), not replayed before. Pure.
 */
export function deliveriesToReplay(
  attempts: DeliverySummary[],
  replayed: (guid: string) => boolean,
): DeliverySummary[] {
  const byGuid = new Map<string, DeliverySummary[]>();
  for (const attempt of attempts) {
    const group = byGuid.get(attempt.guid);
    if (group) group.push(attempt);
    else byGuid.set(attempt.guid, [attempt]);
  }
  const missed: DeliverySummary[] = [];
  for (const [guid, group] of byGuid) {
    if (!REPLAYED_EVENTS.has(group[0]!.event) || group.some(succeeded) || replayed(guid)) continue;
    missed.push(group[0]!);
  }
  return missed.sort(
    (a, b) => Date.parse(a.delivered_at) - Date.parse(b.delivered_at) || a.id - b.id,
  );
}

/** What the relay last saw of a task (its snapshot). */
export interface SeenTask {
  updated_at: string;
  closed: boolean;
}

export interface ReadBackInput {
  issues: GitHubIssue[];
  comments: RepoComment[];
  /** The read-back window: changes at or after `from`, before `until` (live webhooks cover later). */
  from: string;
  until: string;
  seen: (issue: number) => SeenTask | undefined;
  /** Who made the issue's latest change, as far as Baton can tell (the App for its own writes). */
  changedBy: (issue: GitHubIssue) => Sender;
  /** `repository` and `installation`, as GitHub puts them in every webhook. */
  envelope: Record<string, unknown>;
}

/** GitHub's placeholder account: a change read back from a person names no one in particular. */
export const UNKNOWN_SENDER: Sender = { login: "ghost", type: "User" };

const issueNumberOf = (comment: RepoComment) =>
  Number(/\/issues\/(\d+)$/.exec(comment.issue_url)?.[1]);

/**
 * The webhooks GitHub would have sent for changes the relay has not seen, rebuilt from the
 * issues and comments as they are now (when the deliveries themselves are gone or unreadable).
 * Per task, in order: a new issue's `opened` (and `closed` if it was closed meanwhile), its
 * comments, then its latest state. Ids are deterministic, so reading the same change back twice
 * is a duplicate delivery, which the relay drops. Pure.
 */
export function readBackWebhooks(input: ReadBackInput): Delivery[] {
  const at = (iso: string) => Date.parse(iso);
  const inWindow = (iso: string) => at(iso) >= at(input.from) && at(iso) < at(input.until);
  const timed: { at: number; webhook: Delivery }[] = [];
  const issues = new Map(input.issues.map((issue) => [issue.number, issue]));
  const hook = (id: string, name: string, payload: Record<string, unknown>, when: string) =>
    timed.push({ at: at(when), webhook: { id, name, payload: { ...payload, ...input.envelope } } });

  for (const comment of input.comments) {
    const issue = issues.get(issueNumberOf(comment));
    if (!issue || !inWindow(comment.created_at)) continue;
    const sender = comment.user ?? UNKNOWN_SENDER;
    hook(
      `catch-up:comment:${comment.id}`,
      "issue_comment",
      { action: "created", issue, comment, sender },
      comment.created_at,
    );
  }
  for (const issue of input.issues) {
    if (!inWindow(issue.updated_at)) continue;
    const seen = input.seen(issue.number);
    if (seen && at(seen.updated_at) >= at(issue.updated_at)) continue;
    const id = (action: string, when: string) =>
      `catch-up:issues.${action}:${issue.number}:${when}`;
    const closed = issue.state === "closed";
    if (!seen && inWindow(issue.created_at)) {
      // Opened while Baton was away: announced as it was when opened, then as it is.
      const opened = { ...issue, state: "open", state_reason: null, closed_at: null };
      const sender = issue.user ?? UNKNOWN_SENDER;
      hook(
        id("opened", issue.created_at),
        "issues",
        { action: "opened", issue: { ...opened, updated_at: issue.created_at }, sender },
        issue.created_at,
      );
      if (!closed) continue;
    }
    const action =
      closed && !seen?.closed ? "closed" : !closed && seen?.closed ? "reopened" : "edited";
    hook(
      id(action, issue.updated_at),
      "issues",
      { action, issue, sender: input.changedBy(issue) },
      issue.updated_at,
    );
  }
  // Stable: a comment comes before its issue's latest state (it is older or as old).
  return timed.sort((a, b) => a.at - b.at).map((entry) => entry.webhook);
}
