import { z } from "zod";
import { canRead, type Caller } from "./access.js";
import { TaskSchema, type Task } from "./task-schema.js";
import { claimFields, isLive, type ClaimRow } from "./lease-rules.js";

/**
 * Triage for people and coordinators (`GET /fleet/attention`, the hosted Delega buckets): what in
 * the fleet needs a look, from the claim records and the task index. Pure: the service reads the
 * facts, this sorts them into buckets and keeps what the caller may see.
 */
export const ATTENTION_BUCKETS = [
  "abandoned_claims",
  "silent_holders",
  "errored",
  "waiting_input",
  "overdue",
  "looping",
] as const;
export type AttentionBucket = (typeof ATTENTION_BUCKETS)[number];

/** Reopened this many times or more (while Baton watched): the work does not stick. */
export const LOOPING_REOPENS = 2;

const bucket = (description: string) => z.array(TaskSchema).describe(description);

export const FleetAttentionSchema = z
  .object({
    count: z.number().int().describe("Tasks in any bucket, each counted once"),
    buckets: z.object({
      abandoned_claims: bucket(
        "Open tasks whose holder's lease ran out; nobody claimed them since",
      ),
      silent_holders: bucket("Live claims with no heartbeat for more than half their lease"),
      errored: bucket("Held tasks in session state errored, and open tasks with status failed"),
      waiting_input: bucket("Held tasks in session state waiting_input"),
      overdue: bucket("Open tasks past their due date"),
      looping: bucket(`Open tasks reopened ${LOOPING_REOPENS} times or more`),
    }),
  })
  .meta({ id: "FleetAttention" });
export type FleetAttention = z.infer<typeof FleetAttentionSchema>;

export const FleetAttentionQuerySchema = z
  .object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(200)
      .default(50)
      .describe("At most this many tasks per bucket (count covers them all)"),
  })
  .meta({ id: "FleetAttentionQuery" });

/** What the service read: claim records, open tasks from the index, and the index's flags. */
export interface AttentionFacts {
  now: number;
  /** Held records, live or ended but not swept yet. */
  held: ClaimRow[];
  /** Records released because the lease ran out, not claimed since. */
  abandoned: ClaimRow[];
  overdue: number[];
  failed: number[];
  looping: number[];
  /** Open tasks by id as the index has them; a task not here is closed or unknown. */
  tasks: Map<number, Task>;
  /** A task's claim record (its fields override what the index kept). */
  claimOf: (taskId: number) => ClaimRow | undefined;
}

/** Silent: more than half the lease has passed since the holder's last heartbeat. */
export function isSilent(row: ClaimRow, now: number): boolean {
  if (!isLive(row, now) || !row.heartbeat_at) return false;
  const beat = Date.parse(row.heartbeat_at);
  return now - beat > (row.lease_expires_at! - beat) / 2;
}

function bucketIds(facts: AttentionFacts): Record<AttentionBucket, number[]> {
  const { now, held } = facts;
  const live = held.filter((row) => isLive(row, now));
  const inState = (state: string) =>
    live.filter((row) => row.session_state === state).map((row) => row.task_id);
  return {
    // An ended lease not swept yet already reads as released (lease-rules' claimFields).
    abandoned_claims: [...facts.abandoned, ...held.filter((row) => !isLive(row, now))].map(
      (row) => row.task_id,
    ),
    silent_holders: live.filter((row) => isSilent(row, now)).map((row) => row.task_id),
    errored: [...inState("errored"), ...facts.failed],
    waiting_input: inState("waiting_input"),
    overdue: facts.overdue,
    looping: facts.looping,
  };
}

const byPriority = (a: Task, b: Task) => b.priority - a.priority || a.id - b.id;

/** The buckets, each holding only open tasks the caller may read (scoped as `/stats` is). */
export function triage(caller: Caller, facts: AttentionFacts, limit: number): FleetAttention {
  const seen = new Map<number, Task | null>();
  const view = (id: number): Task | null => {
    if (!seen.has(id)) {
      const task = facts.tasks.get(id);
      const shown = task && { ...task, ...claimFields(facts.claimOf(id), facts.now) };
      seen.set(id, shown && canRead(caller, shown) ? shown : null);
    }
    return seen.get(id)!;
  };
  const ids = bucketIds(facts);
  const counted = new Set<number>();
  const buckets = {} as FleetAttention["buckets"];
  for (const name of ATTENTION_BUCKETS) {
    const tasks = [...new Set(ids[name])]
      .map(view)
      .filter((task): task is Task => task !== null)
      .sort(byPriority);
    for (const task of tasks) counted.add(task.id);
    buckets[name] = tasks.slice(0, limit);
  }
  return { count: counted.size, buckets };
}
