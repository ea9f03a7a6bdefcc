import { z } from "zod";
import { decodeComment, isFromApp } from "./comment-codec.js";
import { GitHubUserSchema } from "./github-issue.js";
import { createdByBaton, type IssueOrigin } from "./provenance.js";

/**
 * `GET /tasks/{id}/history`: who changed a task, what and when (DESIGN §3a). Pure: merges what
 * GitHub's issue timeline says (labels, close/reopen, renames, assignments, comments, each with
 * its actor) with Baton's journal (which agent made each of the App's writes, and the writes the
 * timeline does not show: body edits such as context) and the metadata block edits Baton refused.
 */

/** The parts of a GitHub timeline event Baton reads (one schema for every kind; see `kindOf`). */
export const GitHubTimelineEventSchema = z.object({
  event: z.string().optional(),
  id: z.number().optional(),
  actor: GitHubUserSchema.nullish(),
  created_at: z.string().optional(),
  performed_via_github_app: z.object({ id: z.number() }).nullish(),
  label: z.object({ name: z.string() }).optional(),
  state_reason: z.string().nullish(),
  rename: z.object({ from: z.string(), to: z.string() }).optional(),
  assignee: GitHubUserSchema.nullish(),
  /** `commented`: the comment itself. */
  body: z.string().nullish(),
  user: GitHubUserSchema.nullish(),
  author_association: z.string().optional(),
  html_url: z.string().optional(),
});
export type GitHubTimelineEvent = z.infer<typeof GitHubTimelineEventSchema>;

export const HistoryActorSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("agent"), id: z.string().describe("The agent's id") }),
    z.object({ type: z.literal("person"), login: z.string().describe("Their GitHub login") }),
    z.object({
      type: z.literal("app"),
      login: z.string().nullable().describe("Baton's App, or another App or workflow bot"),
    }),
  ])
  .meta({ id: "HistoryActor" });
export type HistoryActor = z.infer<typeof HistoryActorSchema>;

export const HISTORY_ACTIONS = [
  "created",
  "labeled",
  "unlabeled",
  "renamed",
  "assigned",
  "unassigned",
  "closed",
  "reopened",
  "commented",
  "edited",
  "metadata_edit_refused",
] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export const HistoryEntrySchema = z
  .object({
    at: z.string().describe("When (ISO 8601)"),
    actor: HistoryActorSchema,
    action: z.enum(HISTORY_ACTIONS),
    detail: z
      .record(z.string(), z.unknown())
      .describe(
        "labeled/unlabeled: {label}; renamed: {from, to}; assigned/unassigned: {assignee}; " +
          "closed/reopened: {state_reason}; commented: {comment_id, url}; edited: {write} (an " +
          "agent's write the timeline does not show, e.g. context); metadata_edit_refused: " +
          "{restored} (someone else's edit of the metadata block, not believed)",
      ),
  })
  .meta({ id: "HistoryEntry" });
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

/** One of Baton's journalled writes: which agent caused it, and the issue's `updated_at` after. */
export interface JournalEntry {
  kind: string;
  agent_id: string;
  created_at: string;
  updated_at: string | null;
}

export interface HistorySources {
  issue: IssueOrigin & { number: number; created_at: string };
  /** The agent that created it, from the metadata block Baton believes. */
  createdBy: string | null;
  timeline: GitHubTimelineEvent[];
  journal: JournalEntry[];
  refused: { login: string; at: string; restored: boolean }[];
  appId: number | undefined;
}

/** Timeline events that are history entries as they stand (the rest come from Baton's records). */
const KINDS = new Set<string>(
  HISTORY_ACTIONS.filter(
    (action) => action !== "created" && action !== "edited" && action !== "metadata_edit_refused",
  ),
);

/** Writes the timeline shows as the issue itself or its comments, not as a journal entry. */
const SHOWN_ELSEWHERE = new Set(["created", "commented"]);

/** How far a write's moment may be from the App's timeline event it made (clocks round). */
const STAMPED_MS = 2_000;
/** How far a write whose answer never came may be from it (Baton's clock, not GitHub's). */
const UNSTAMPED_MS = 60_000;

export function buildHistory(sources: HistorySources): HistoryEntry[] {
  const { issue, journal } = sources;
  const matched = new Set<JournalEntry>();
  const entries: HistoryEntry[] = [created(sources)];
  for (const event of sources.timeline) {
    const entry = fromTimeline(event, sources, (at) => {
      const write = writeAt(journal, at);
      if (write) matched.add(write);
      return write;
    });
    if (entry) entries.push(entry);
  }
  for (const write of journal) {
    const creation = write.kind === "delegated" && write.updated_at === issue.created_at;
    if (matched.has(write) || SHOWN_ELSEWHERE.has(write.kind) || creation) continue;
    entries.push({
      at: write.updated_at ?? write.created_at,
      actor: { type: "agent", id: write.agent_id },
      action: "edited",
      detail: { write: write.kind },
    });
  }
  for (const edit of sources.refused)
    entries.push({
      at: edit.at,
      actor: { type: "person", login: edit.login },
      action: "metadata_edit_refused",
      detail: { restored: edit.restored },
    });
  // Stable: at the same moment, the order above (creation first) holds.
  return entries
    .map((entry, i) => ({ entry, i, t: Date.parse(entry.at) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ entry }) => entry);
}

function created({ issue, createdBy, appId }: HistorySources): HistoryEntry {
  const user = issue.user;
  const actor: HistoryActor = createdByBaton(issue, appId)
    ? createdBy
      ? { type: "agent", id: createdBy }
      : { type: "app", login: user?.login ?? null }
    : personOrApp(user);
  return { at: issue.created_at, actor, action: "created", detail: {} };
}

function fromTimeline(
  event: GitHubTimelineEvent,
  sources: HistorySources,
  writeAt: (at: string) => JournalEntry | undefined,
): HistoryEntry | undefined {
  const kind = event.event ?? "";
  if (!KINDS.has(kind) || !event.created_at) return undefined;
  const at = event.created_at;
  if (kind === "commented") {
    const comment = decodeComment({
      body: event.body,
      user: event.user ?? null,
      author_association: event.author_association,
      fromApp: isFromApp({ ...event, user: event.user ?? null }, sources.appId),
    });
    // A stranger's comment reaches no agent (DESIGN §6), here either.
    if (!comment) return undefined;
    const actor: HistoryActor =
      comment.author_type === "agent"
        ? { type: "agent", id: comment.author }
        : { type: "person", login: comment.author };
    return {
      at,
      actor,
      action: "commented",
      detail: { comment_id: event.id, url: event.html_url },
    };
  }
  const byApp = isFromApp({ ...event, user: event.actor ?? null }, sources.appId);
  const write = byApp ? writeAt(at) : undefined;
  const actor: HistoryActor = write
    ? { type: "agent", id: write.agent_id }
    : personOrApp(event.actor ?? null);
  return { at, actor, action: kind as HistoryAction, detail: detailOf(kind, event) };
}

function detailOf(kind: string, event: GitHubTimelineEvent): Record<string, unknown> {
  switch (kind) {
    case "labeled":
    case "unlabeled":
      return { label: event.label?.name ?? null };
    case "renamed":
      return { from: event.rename?.from ?? null, to: event.rename?.to ?? null };
    case "assigned":
    case "unassigned":
      return { assignee: event.assignee?.login ?? null };
    default:
      return { state_reason: event.state_reason ?? null };
  }
}

const personOrApp = (user: { login: string; type?: string | undefined } | null): HistoryActor =>
  user?.type === "Bot" || !user
    ? { type: "app", login: user?.login ?? null }
    : { type: "person", login: user.login };

/**
 * The agent's write that left the issue at `at`: the one GitHub answered with that moment, else
 * the nearest one close to it (a write whose answer was lost has no moment of its own).
 */
function writeAt(journal: JournalEntry[], at: string): JournalEntry | undefined {
  const exact = journal.find((w) => w.updated_at === at);
  if (exact) return exact;
  const t = Date.parse(at);
  const distance = (w: JournalEntry) => {
    if (SHOWN_ELSEWHERE.has(w.kind)) return Infinity;
    const d = Math.abs(Date.parse(w.updated_at ?? w.created_at) - t);
    return d <= (w.updated_at === null ? UNSTAMPED_MS : STAMPED_MS) ? d : Infinity;
  };
  let best: JournalEntry | undefined;
  for (const w of journal) if (distance(w) < (best ? distance(best) : Infinity)) best = w;
  return best;
}
