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
] as const satisfies readonly (keyof Task)[];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function diffTasks(before: Task, after: Task): Changes {
  const changes: Changes = {};
  for (const field of TRACKED) {
    if (!same(before[field], after[field]))
      changes[field] = { from: before[field], to: after[field] };
  }
  return changes;
}

/**
 * The ONE event for a change from `before` to `after` (GitHub may describe it in several
 * webhooks; they all carry the final state). Most significant first: deleted, completed,
 * reopened, assigned, updated. Undefined when nothing a subscriber cares about changed. Pure.
 */
export function classifyChange(
  before: TaskState,
  after: TaskState,
): { event: EventType; changes: Changes } | undefined {
  if (after.deleted && before.deleted) return undefined;
  const changes = diffTasks(before.task, after.task);
  if (after.deleted) return { event: "task.deleted", changes };
  if (before.deleted) return { event: "task.reopened", changes };
  if (Object.keys(changes).length === 0) return undefined;
  if (claimShownOnly(before.task, after.task, changes)) return undefined;
  if (after.task.completed && !before.task.completed) return { event: "task.completed", changes };
  if (!after.task.completed && before.task.completed) return { event: "task.reopened", changes };
  if (changes.assigned_to_agent_id) return { event: "task.assigned", changes };
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
function claimShownOnly(before: Task, after: Task, changes: Changes): boolean {
  const keys = Object.keys(changes);
  if (keys.length !== 1 || keys[0] !== "status") return false;
  if (!CLAIM_STATUSES.has(before.status) || !CLAIM_STATUSES.has(after.status)) return false;
  return after.status === claimStatus(after);
}
