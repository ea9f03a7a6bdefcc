import { errors } from "../errors.js";
import { canWrite, type Caller } from "./access.js";
import { positionUnder, type Position } from "./delegation-rules.js";
import type { GitHubIssue } from "./github-issue.js";
import {
  encodeTask,
  ownershipOf,
  TaskMetaSchema,
  type DecodedIssue,
  type TaskFields,
} from "./issue-codec.js";
import { changedParts, completionWrite, reopeningWrite, type IssueWrite } from "./issue-writes.js";
import { isPlainObject, mergePatch } from "../util/merge-patch.js";

/**
 * The planners: given a task as decoded from its issue and a request, what to write to GitHub.
 * Pure, so the server's services and the Action's token mode plan every write the same way.
 * Project and assignee arrive resolved (the callers look them up their own way).
 */

/** GitHub's body limit is 65,536 characters; keep the context well inside it. */
export const MAX_CONTEXT_CHARS = 32_000;

const SERVER_ONLY = ["root_task_id", "delegation_depth"] as const;

/** The fields a new task is written with, as the request gives them. */
export interface NewTaskRequest {
  content: string;
  description?: string | null;
  priority?: number;
  labels?: string[];
  status?: TaskFields["status"];
  due_date?: string | null;
  due_time?: string | null;
  context?: Record<string, unknown>;
}

/** Who and where: resolved by the caller before planning. */
export interface NewTaskPlacement {
  createdBy: string | null;
  assignee: string | null;
  projectSlug: string | null;
  nonce: string;
  position: Position;
  autoCompleteParent: boolean;
}

/** A new task's fields (a root at ROOT_POSITION, a child at `planDelegation`'s position). */
export function planNewTask(input: NewTaskRequest, placement: NewTaskPlacement): TaskFields {
  const fields: TaskFields = {
    content: input.content,
    description: input.description ?? null,
    priority: input.priority ?? 2,
    labels: input.labels ?? [],
    projectSlug: placement.projectSlug,
    assignee: placement.assignee,
    status: input.status ?? "open",
    meta: TaskMetaSchema.parse({
      created_by: placement.createdBy,
      ...placement.position,
      auto_complete_parent: placement.autoCompleteParent,
      due_date: input.due_date ?? null,
      due_time: input.due_time ?? null,
      context: input.context ?? {},
      nonce: placement.nonce,
    }),
  };
  checkContextSize(fields.meta.context);
  return fields;
}

/** A new task that names the open tasks possibly the same work (its issue header says so). */
export function planPossibleDuplicates(
  fields: TaskFields,
  possible: readonly { task_id: number }[],
): TaskFields {
  if (possible.length === 0) return fields;
  const ids = possible.map((match) => match.task_id);
  return { ...fields, meta: { ...fields.meta, possible_duplicates: ids } };
}

/**
 * A delegation under `parent`: the child's position (throws when the depth or children limit is
 * reached) and the parent's label write once the child exists (null when nothing changes).
 */
export function planDelegation(
  parent: GitHubIssue,
  decoded: DecodedIssue,
  maxDepth: number,
): { position: Position; parentWrite: IssueWrite | null } {
  return {
    position: positionUnder(parent, decoded, maxDepth),
    parentWrite: planMarkDelegated(parent, decoded),
  };
}

/** The parent's `status:delegated` label once it has a child; null when nothing changes. */
export function planMarkDelegated(parent: GitHubIssue, decoded: DecodedIssue): IssueWrite | null {
  if (decoded.closed || decoded.status === "delegated") return null;
  const write = changedParts(parent, { ...decoded, status: "delegated" });
  return write.labels ? { labels: write.labels } : null;
}

/** An update's changes; `undefined` keeps the current value, assignee and project resolved. */
export interface TaskChanges {
  content?: string;
  description?: string | null;
  priority?: number;
  labels?: string[];
  status?: TaskFields["status"] | "completed";
  completed?: boolean;
  due_date?: string | null;
  due_time?: string | null;
  assignee?: string | null;
  projectSlug?: string | null;
}

/** Only what differs; closes or reopens when `completed`/`status` asks for it. */
export function planUpdate(
  issue: GitHubIssue,
  decoded: DecodedIssue,
  changes: TaskChanges,
  agentId: string | null,
): IssueWrite {
  const wantsCompleted =
    changes.completed ??
    (changes.status === "completed" ? true : changes.status ? false : undefined);
  const status = changes.status && changes.status !== "completed" ? changes.status : decoded.status;
  const keep = <T>(next: T | undefined, current: T) => (next === undefined ? current : next);
  const fields: TaskFields = {
    content: changes.content ?? decoded.content,
    description: keep(changes.description, decoded.description),
    priority: changes.priority ?? decoded.priority,
    labels: changes.labels ?? decoded.labels,
    projectSlug: keep(changes.projectSlug, decoded.projectSlug),
    assignee: keep(changes.assignee, decoded.assignee),
    status: wantsCompleted ? "open" : status,
    meta: {
      ...decoded.meta,
      due_date: keep(changes.due_date, decoded.meta.due_date),
      due_time: keep(changes.due_time, decoded.meta.due_time),
    },
  };
  const write: IssueWrite = { ...changedParts(issue, fields) };
  if (wantsCompleted === true && !decoded.completed) {
    Object.assign(write, completionWrite(issue, fields, agentId));
  } else if (wantsCompleted === false && decoded.closed) {
    Object.assign(write, reopeningWrite(issue, fields));
  }
  return write;
}

/** Closed as completed, by `agentId`; null when it already is. */
export function planComplete(
  issue: GitHubIssue,
  decoded: DecodedIssue,
  agentId: string | null,
): IssueWrite | null {
  return decoded.completed ? null : completionWrite(issue, decoded, agentId);
}

/** Open again; null when it is not completed. */
export function planReopen(issue: GitHubIssue, decoded: DecodedIssue): IssueWrite | null {
  return decoded.completed ? reopeningWrite(issue, decoded) : null;
}

/** The new body for a context merge patch; 409 when `expectedVersion` is stale. */
export function planContextPatch(
  decoded: DecodedIssue,
  patch: Record<string, unknown>,
  expectedVersion: number | undefined,
): IssueWrite {
  const current = decoded.meta.context_version;
  if (expectedVersion !== undefined && expectedVersion !== current) {
    throw errors.conflict(
      "context_version_conflict",
      `The context is at version ${current}, not ${expectedVersion}`,
      // `version` is what Delega's clients read; `current_version` is Baton's name.
      { current_version: current, version: current, context: decoded.meta.context },
    );
  }
  const merged = mergePatch(decoded.meta.context, patch);
  const context = isPlainObject(merged) ? merged : {};
  checkContextSize(context);
  const fields = { ...decoded, meta: { ...decoded.meta, context, context_version: current + 1 } };
  return { body: encodeTask(fields).body };
}

/** A deleted task: closed as not planned (GitHub Apps cannot delete issues). */
export const DELETE_WRITE: IssueWrite = { state: "closed", state_reason: "not_planned" };

/** Deleting closes the open sub-tasks too: 409 when the caller may not change one of them. */
export function planDelete(
  caller: Caller,
  id: number,
  openDescendants: { number: number; decoded: DecodedIssue }[],
): IssueWrite {
  const refused = openDescendants.filter((child) => !canWrite(caller, ownershipOf(child.decoded)));
  if (refused.length > 0) {
    throw errors.conflict(
      "children_not_writable",
      `Task #${id} has open sub-tasks that agent "${caller.id}" may not close`,
      { task_ids: refused.map((child) => child.number) },
    );
  }
  return DELETE_WRITE;
}

/** `root_task_id` and `delegation_depth` are the server's to set. */
export function rejectServerOnly(input: Record<string, unknown>): void {
  for (const field of SERVER_ONLY) {
    if (input[field] !== undefined) {
      throw errors.badRequest(
        "server_managed_field",
        `${field} is set by the server and cannot be written`,
        { field },
      );
    }
  }
}

/** An update may not move a task or mark it delegated: delegation does both. */
export function rejectDelegationFields(input: { parent_task_id?: unknown; status?: string }): void {
  if (input.parent_task_id !== undefined) {
    throw errors.badRequest(
      "server_managed_field",
      "parent_task_id is set by delegation and cannot be changed",
      { field: "parent_task_id" },
    );
  }
  if (input.status === "delegated") {
    throw errors.badRequest("server_managed_field", 'status "delegated" is set by delegation', {
      field: "status",
    });
  }
}

function checkContextSize(context: Record<string, unknown>): void {
  if (JSON.stringify(context).length > MAX_CONTEXT_CHARS) {
    throw errors.unprocessable(
      "context_too_large",
      `The context may hold at most ${MAX_CONTEXT_CHARS} characters of JSON`,
      { field: "context" },
    );
  }
}
