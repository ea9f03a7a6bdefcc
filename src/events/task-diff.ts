import type { TaskLink } from "../tasks/task-links.js";
import type { Task } from "../tasks/task-schema.js";
import type { Changes, EventType } from "./event-schema.js";

/** A task as the relay last saw it: what the API shows, plus whether it is deleted. */
export interface TaskState {
  task: Task;
  deleted: boolean;
}

/** The fields whose change is an event; timestamps and derived names are not. */
const TRACKED = [
  "content",
  "description",
  "priority",
  "labels",
  "project_id",
  "due_date",
  "due_time",
  "status",
  "completed",
  "assigned_to_agent_id",
  "parent_task_id",
  "context",
  "subtasks",
  "links",
] as const satisfies readonly (keyof Task)[];

/** Fields newer than some kept snapshots: a snapshot without one had none. */
const ADDED_LATER: Partial<Record<keyof Task, unknown>> = { links: [] };
const read = (task: Task, field: keyof Task): unknown => task[field] ?? ADDED_LATER[field];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function diffTasks(before: Task, after: Task): Changes {
  const changes: Changes = {};
  for (const field of TRACKED) {
    const from = read(before, field);
    const to = read(after, field);
    if (!same(from, to)) changes[field] = { from, to };
  }
  return changes;
}

/** The link a change added, when adding links is all it did (`task.linked`). */
function addedLink(changes: Changes): TaskLink | undefined {
  const keys = Object.keys(changes);
  if (keys.length !== 1 || keys[0] !== "links") return undefined;
  const from = (changes.links!.from ?? []) as TaskLink[];
  const to = (changes.links!.to ?? []) as TaskLink[];
  const known = new Set(from.map((link) => JSON.stringify(link)));
  return to.filter((link) => !known.has(JSON.stringify(link))).at(-1);
}

/**
 * The ONE event for a change from `before` to `after` (GitHub may describe it in several
 * webhooks; they all carry the final state). Most significant first: deleted, completed,
 * reopened, assigned, linked, updated. Undefined when nothing a subscriber cares about changed.
 * Pure.
 */
export function classifyChange(
  before: TaskState,
  after: TaskState,
  options: { claimDisplayWrite?: boolean } = {},
): { event: EventType; changes: Changes; link?: TaskLink } | undefined {
  if (after.deleted && before.deleted) return undefined;
  const changes = diffTasks(before.task, after.task);
  if (after.deleted) return { event: "task.deleted", changes };
  if (before.deleted) return { event: "task.reopened", changes };
  if (Object.keys(changes).length === 0) return undefined;
  if (claimShownOnly(before.task, after.task, changes, options.claimDisplayWrite === true))
    return undefined;
  if (after.task.completed && !before.task.completed) return { event: "task.completed", changes };
  if (!after.task.completed && before.task.completed) return { event: "task.reopened", changes };
  if (changes.assigned_to_agent_id) return { event: "task.assigned", changes };
  const link = addedLink(changes);
  if (link) return { event: "task.linked", changes, link };
  return { event: "task.updated", changes };
}

/**
 * Without a previous state (the relay's store is newer than the issue), the webhook's action is
 * all there is to go by.
 */
export function classifyAction(action: string, after: TaskState): EventType | undefined {
  if (after.deleted)
    return ["closed", "deleted", "transferred"].includes(action) ? "task.deleted" : undefined;
  switch (action) {
    case "opened":
      return "task.created";
    case "closed":
      return "task.completed";
    case "reopened":
      return "task.reopened";
    case "edited":
    case "labeled":
    case "unlabeled":
      return "task.updated";
    default:
      return undefined;
  }
}

const CLAIM_STATUSES = new Set(["open", "in_progress", "blocked"]);

/** The status GitHub shows for a task's claim: in progress, blocked while stuck, open when free. */
const claimStatus = (task: Task) =>
  task.claimed_by_agent_id === null
    ? "open"
    : task.session_state === "waiting_input" || task.session_state === "errored"
      ? "blocked"
      : "in_progress";

/**
 * The status a claim shows on GitHub is announced by `task.claimed`, `task.released` and
 * `task.state_changed`, not again as `task.updated`: a change of status alone, to the one the
 * claim (as it is now) shows. A person setting another status is still an update.
 */
function claimShownOnly(
  before: Task,
  after: Task,
  changes: Changes,
  claimDisplayWrite: boolean,
): boolean {
  const keys = Object.keys(changes);
  if (keys.length !== 1 || keys[0] !== "status") return false;
  if (!CLAIM_STATUSES.has(before.status) || !CLAIM_STATUSES.has(after.status)) return false;
  // Baton's own display write, even when its webhook arrives after the claim moved on (released
  // meanwhile): the claim's own events already said it.
  return claimDisplayWrite || after.status === claimStatus(after);
}
