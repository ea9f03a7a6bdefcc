import { z } from "zod";
import { TaskLinkSchema } from "../tasks/task-links.js";
import { AgentRefSchema, CommentSchema, TaskSchema } from "../tasks/task-schema.js";

/** The task events of DESIGN §6, with the coordination events of issue #17. */
export const EVENT_TYPES = [
  "task.created",
  "task.updated",
  "task.completed",
  "task.reopened",
  "task.deleted",
  "task.assigned",
  "task.delegated",
  "task.commented",
  "task.claimed",
  "task.released",
  "task.state_changed",
  "task.unblocked",
  "task.linked",
  "task.chain_completed",
] as const;
export const EventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventTypeSchema>;

/** Sent by `POST /webhooks/{id}/test` only; never subscribed to. */
export const TEST_EVENT = "webhook.test";

export const ActorSchema = z
  .object({ type: z.enum(["user", "bot"]), login: z.string() })
  .meta({ id: "EventActor" });
export type Actor = z.infer<typeof ActorSchema>;

export const ChangesSchema = z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() }));
export type Changes = z.infer<typeof ChangesSchema>;

/** The body of every delivery: the same bytes on every attempt, so receivers can dedupe on `id`. */
export const TaskEventSchema = z
  .object({
    id: z.string(),
    event: z.union([EventTypeSchema, z.literal(TEST_EVENT)]),
    timestamp: z.string(),
    task: TaskSchema.nullable(),
    agent: AgentRefSchema.nullable(),
    actor: ActorSchema.nullable(),
    comment: CommentSchema.optional(),
    changes: ChangesSchema.optional(),
    /** Why a claim ended (`task.released`): released, lease_expired, completed, deleted. */
    reason: z.string().optional(),
    /** The link added (`task.linked`); the task lists all of them. */
    link: TaskLinkSchema.optional(),
  })
  .meta({ id: "TaskEvent" });
export type TaskEvent = z.infer<typeof TaskEventSchema>;
