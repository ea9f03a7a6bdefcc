import { createHash } from "node:crypto";
import { z } from "zod";
import {
  STATUS_LABELS,
  agentLabel,
  depthLabel,
  isReserved,
  priorityLabel,
  projectLabel,
  type LabelStatus,
} from "./labels.js";
import { jsonForComment, render, unrender } from "./untrusted-text.js";
import {
  CHECKLIST_MARKER,
  ChecklistEntrySchema,
  parseChecklist,
  reconcile,
  renderChecklist,
} from "./checklist.js";
import { LINKS_MARKER, renderLinks, StoredLinksSchema } from "./task-links.js";
import type { TaskStatus } from "./task-schema.js";
import type { Ownership } from "./access.js";
import { META_BLOCK_RE } from "./metadata-block.js";

/**
 * The issue codec: a task ⇄ an issue's title, labels and body (DESIGN §3). Pure.
 *
 * Body layout:
 *   > Baton task · created by **monitor** · held by **infra** · delegated from #12
 *
 *   <description, rendered safe>
 *
 *   <!-- baton:checklist -->  (only when the task has checklist items: see checklist.ts)
 *   - [ ] …
 *
 *   <!-- baton:links -->      (only when the task has links: see task-links.ts)
 *   - pull request `#12` in `acme/api`
 *
 *   <!-- baton:v1 {...metadata...} -->
 */
export const TITLE_MAX = 256;
const HEADER_PREFIX = "> Baton task";

export const TaskMetaSchema = z.object({
  created_by: z.string().nullable().default(null),
  root: z.number().int().nullable().default(null),
  parent: z.number().int().nullable().default(null),
  depth: z.number().int().min(0).default(0),
  due_date: z.string().nullable().default(null),
  due_time: z.string().nullable().default(null),
  context: z.record(z.string(), z.unknown()).default({}),
  context_version: z.number().int().default(0),
  completed_by: z.string().nullable().default(null),
  /** Unique per create request: finds the issue again if GitHub's answer was lost. */
  nonce: z.string().nullable().default(null),
  auto_complete_parent: z.boolean().default(false),
  /** Open tasks that were possibly the same work when this one was created (dedup "possible"). */
  possible_duplicates: z.array(z.number().int()).default([]),
  /** Exact texts, kept only when the visible ones differ (title cut, text defused). */
  content: z.string().nullable().default(null),
  description: z.string().nullable().default(null),
  description_hash: z.string().nullable().default(null),
  /** Who holds a claim on it, as shown in the header (the lease itself lives in Baton's store). */
  claim: z
    .object({
      by: z.string(),
      state: z.enum(["working", "waiting_input", "errored"]),
      detail: z.string().nullable(),
    })
    .nullable()
    .default(null),
  /** Checklist items (ids, exact texts); the visible task list says which are there and ticked. */
  checklist: z.array(ChecklistEntrySchema).default([]),
  checklist_seq: z.number().int().min(0).default(0),
  /** Branches, commits, pull requests and URLs linked to the task (shown as a list too). */
  links: StoredLinksSchema,
});
export type TaskMeta = z.infer<typeof TaskMetaSchema>;

/** What the codec needs to write an issue. */
export interface TaskFields {
  content: string;
  description: string | null;
  priority: number;
  labels: string[];
  projectSlug: string | null;
  assignee: string | null;
  status: Exclude<TaskStatus, "completed">;
  meta: TaskMeta;
}

/** The parts of a GitHub issue the codec reads. */
export interface IssueLike {
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason?: string | null;
  labels: { name: string }[];
}

export interface EncodedIssue {
  title: string;
  body: string;
  labels: string[];
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

const META_DEFAULTS = TaskMetaSchema.parse({});

/** Only what differs from the defaults, so the hidden block stays short. */
function compact(meta: TaskMeta): Partial<TaskMeta> {
  return Object.fromEntries(
    Object.entries(meta).filter(
      ([key, value]) =>
        JSON.stringify(value) !== JSON.stringify(META_DEFAULTS[key as keyof TaskMeta]),
    ),
  );
}

export function titleFor(content: string): string {
  const flat = content.replace(/\s+/g, " ").trim();
  return flat.length <= TITLE_MAX ? flat : `${flat.slice(0, TITLE_MAX - 1)}…`;
}

export function headerLine(meta: TaskMeta, assignee: string | null): string {
  const parts = [HEADER_PREFIX];
  if (meta.created_by) parts.push(`created by **${meta.created_by}**`);
  if (assignee) parts.push(`held by **${assignee}**`);
  if (meta.claim) parts.push(claimText(meta.claim));
  if (meta.parent) parts.push(`delegated from #${meta.parent}`);
  if (meta.possible_duplicates.length > 0)
    parts.push(
      `possibly the same work as ${meta.possible_duplicates.map((id) => `#${id}`).join(", ")}`,
    );
  return parts.join(" · ");
}

const CLAIM_STATES = { working: "", waiting_input: "waiting for input", errored: "errored" };

/** "claimed by **infra**", and why it is stuck when it is (agent text: one safe line). */
function claimText(claim: NonNullable<TaskMeta["claim"]>): string {
  const text = `claimed by **${claim.by}**`;
  if (claim.state === "working") return text;
  const detail = claim.detail ? render(claim.detail.replace(/\s+/g, " ").trim()).slice(0, 200) : "";
  return `${text} · ${CLAIM_STATES[claim.state]}${detail ? `: ${detail}` : ""}`;
}

export function encodeTask(task: TaskFields): EncodedIssue {
  const title = titleFor(task.content);
  const description = task.description ?? "";
  const shown = render(description);
  const meta: TaskMeta = {
    ...task.meta,
    content: title === task.content ? null : task.content,
    description: shown === description ? null : description,
    description_hash: hash(shown),
  };
  const body = [
    headerLine(meta, task.assignee),
    shown,
    ...(meta.checklist.length > 0 ? [renderChecklist(meta.checklist)] : []),
    ...(meta.links.length > 0 ? [renderLinks(meta.links)] : []),
    `<!-- baton:v1 ${jsonForComment(compact(meta))} -->`,
  ].join("\n\n");
  return { title, body, labels: encodeLabels(task) };
}

export function encodeLabels(
  task: Pick<TaskFields, "priority" | "labels" | "projectSlug" | "assignee" | "status" | "meta">,
): string[] {
  const labels = [priorityLabel(task.priority)];
  if (task.assignee) labels.push(agentLabel(task.assignee));
  if (task.meta.depth > 0) labels.push(depthLabel(task.meta.depth));
  if (task.projectSlug) labels.push(projectLabel(task.projectSlug));
  if (task.status !== "open") labels.push(STATUS_LABELS[task.status]);
  for (const label of task.labels) if (!labels.includes(label)) labels.push(label);
  return labels;
}

export interface DecodedIssue extends TaskFields {
  number: number;
  closed: boolean;
  completed: boolean;
  /** Closed as not planned: Baton's "deleted". */
  deleted: boolean;
}

/** Who may see and act on a task, from its issue alone. */
export function ownershipOf(decoded: DecodedIssue): Ownership {
  return {
    created_by_agent_id: decoded.meta.created_by,
    assigned_to_agent_id: decoded.assignee,
    completed: decoded.closed,
  };
}

// One webhook's issue is decoded by several steps (block check, caches, relay, chains): once is
// enough. Issue objects are never changed in place, and a weak key lets each go with its issue.
const decodedIssues = new WeakMap<IssueLike, DecodedIssue>();

export function decodeIssue(issue: IssueLike): DecodedIssue {
  let decoded = decodedIssues.get(issue);
  if (!decoded) {
    decoded = decodeFresh(issue);
    decodedIssues.set(issue, decoded);
  }
  return decoded;
}

function decodeFresh(issue: IssueLike): DecodedIssue {
  const body = issue.body ?? "";
  const { meta: stored, metaStart } = readMeta(body);
  // The links list is written from the metadata: the text before it is the task's own.
  const linksStart = body.lastIndexOf(LINKS_MARKER, metaStart);
  const sectionsEnd = linksStart >= 0 ? linksStart : metaStart;
  const { meta, descriptionEnd } = withVisibleChecklist(body, stored, sectionsEnd);
  const names = issue.labels.map((l) => l.name);
  const priorityIndex = names
    .map((n) => ["priority:low", "priority:medium", "priority:high", "priority:urgent"].indexOf(n))
    .find((i) => i >= 0);
  const assignee = names.find((n) => n.startsWith("agent:"))?.slice("agent:".length) ?? null;
  const projectSlug = names.find((n) => n.startsWith("project:"))?.slice("project:".length) ?? null;
  const status =
    (Object.keys(STATUS_LABELS) as LabelStatus[]).find((s) => names.includes(STATUS_LABELS[s])) ??
    "open";

  const content =
    meta.content !== null && titleFor(meta.content) === issue.title ? meta.content : issue.title;
  const shown = visibleDescription(body, descriptionEnd);
  // Unchanged since Baton wrote it: exact text. Otherwise a person edited it on github.com.
  const description =
    meta.description_hash === hash(shown)
      ? (meta.description ?? shown)
      : unrender(shown.replace(/\r\n/g, "\n").trim());

  const closed = issue.state === "closed";
  return {
    number: issue.number,
    content,
    description: description.length > 0 ? description : null,
    priority: priorityIndex === undefined ? 2 : priorityIndex + 1,
    labels: names.filter((n) => !isReserved(n)),
    projectSlug,
    assignee,
    status,
    // The depth is the block's alone: the `depth:` label only shows it (docs/trust.md).
    meta,
    closed,
    completed: closed && issue.state_reason !== "not_planned",
    deleted: closed && issue.state_reason === "not_planned",
  };
}

function readMeta(body: string): { meta: TaskMeta; metaStart: number } {
  let last: RegExpExecArray | null = null;
  for (const match of body.matchAll(META_BLOCK_RE)) last = match;
  if (!last) return { meta: TaskMetaSchema.parse({}), metaStart: body.length };
  try {
    const parsed = TaskMetaSchema.safeParse(JSON.parse(last[1]!));
    return { meta: parsed.success ? parsed.data : TaskMetaSchema.parse({}), metaStart: last.index };
  } catch {
    return { meta: TaskMetaSchema.parse({}), metaStart: last.index };
  }
}

/** The checklist as the body shows it (people tick items on github.com), and where it starts. */
function withVisibleChecklist(body: string, meta: TaskMeta, sectionEnd: number) {
  const start = body.lastIndexOf(CHECKLIST_MARKER, sectionEnd);
  const section = start >= 0 ? body.slice(start + CHECKLIST_MARKER.length, sectionEnd) : null;
  const known = { items: meta.checklist, seq: meta.checklist_seq };
  const checklist = reconcile(known, section === null ? null : parseChecklist(section));
  return {
    meta: { ...meta, checklist: checklist.items, checklist_seq: checklist.seq },
    descriptionEnd: start >= 0 ? start : sectionEnd,
  };
}

/** The description as shown: the body without Baton's header line and metadata block. */
function visibleDescription(body: string, metaStart: number): string {
  let text = body.slice(0, metaStart);
  if (text.startsWith(HEADER_PREFIX)) {
    const end = text.indexOf("\n\n");
    text = end === -1 ? "" : text.slice(end + 2);
  }
  return text.endsWith("\n\n") ? text.slice(0, -2) : text;
}

/** Rewrites only the metadata block (and header) of a body, keeping a person's edits to the text. */
export function withMeta(issue: IssueLike, update: (meta: TaskMeta) => TaskMeta): EncodedIssue {
  const decoded = decodeIssue(issue);
  return encodeTask({ ...decoded, meta: update(decoded.meta) });
}
