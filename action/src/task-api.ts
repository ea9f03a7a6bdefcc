import type { LinkInput } from "../../src/tasks/task-links.js";
import type { TaskStatus } from "../../src/tasks/task-schema.js";
import type { ClaimInputs, TaskFieldsInput } from "./inputs.js";

/** What the Action reports about a task. Both modes produce it. */
export interface ActionTask {
  id: number;
  url: string;
  status: TaskStatus;
  content: string;
}

export type NewTask = TaskFieldsInput & { content: string };

/** A claim: the task (null when nothing was ready) and what the holder needs next. */
export interface ClaimOutcome {
  task: ActionTask | null;
  claimToken: number | null;
  leaseExpiresAt: string | null;
}

/** Which task a claim takes: that one, or the best ready one matching these. */
export interface ClaimTarget {
  taskId: number | undefined;
  labels: string[] | undefined;
  project: string | undefined;
}

export type CreateOutcome =
  { task: ActionTask; duplicateOf: null } | { task: null; duplicateOf: ActionTask };

/**
 * The task operations the Action needs. REST mode satisfies it with the Baton API (as any agent);
 * token mode with the issues themselves, through the same codec the server uses.
 */
export interface TaskApi {
  create(input: NewTask, options: { allowDuplicate: boolean }): Promise<CreateOutcome>;
  get(id: number): Promise<ActionTask>;
  update(id: number, changes: TaskFieldsInput): Promise<ActionTask>;
  /**
   * Completes the task; a `note` is commented first (it sits above the close event), once the
   * task is known to exist, so a missing task fails before anything is written.
   */
  complete(id: number, note?: string): Promise<{ task: ActionTask; commentUrl: string | null }>;
  reopen(id: number): Promise<ActionTask>;
  /** Adds a comment; the caller has just read or written the task (no read of its own). */
  comment(id: number, content: string): Promise<{ url: string }>;
  /** A child task under `parentId`, unless an open task outside the parent's chain is surely the same work. */
  delegate(
    parentId: number,
    input: NewTask,
    options: { allowDuplicate: boolean },
  ): Promise<CreateOutcome>;
  /** Links a branch, commit, pull request or URL (stored once however often it is sent). */
  link(id: number, link: LinkInput): Promise<ActionTask>;
  /** Claims with a lease (REST mode: leases live in the server's store). */
  claim(target: ClaimTarget, options: ClaimInputs): Promise<ClaimOutcome>;
  /** Renews the caller's lease (and may say what it is doing): the task and the lease's new end. */
  heartbeat(id: number, options: ClaimInputs): Promise<ClaimOutcome>;
  /** Says what the holder is doing (`session-state`, `detail`) without renewing the lease. */
  setState(id: number, options: ClaimInputs): Promise<ActionTask>;
  /** Gives a claim back, with a hand-off note for the next holder. */
  release(id: number, options: ClaimInputs): Promise<ActionTask>;
  /** Makes task `id` wait for `blockerId` (GitHub's "blocked by"); nothing if it already does. */
  block(id: number, blockerId: number): Promise<ActionTask>;
  /** Stops task `id` waiting for `blockerId`. */
  unblock(id: number, blockerId: number): Promise<ActionTask>;
}
