import { z } from "zod";
import { TaskLinkSchema } from "./task-links.js";

/** Agent ids are slugs: lower-case letters, digits and dashes (`infra`, `agent-frontend`). */
export const AgentIdSchema = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/,
    "must be a slug: a-z, 0-9 and dashes, 1–40 chars",
  );

/** Free labels may not use `:` (reserved for Baton's own labels), `,` or spaces. */
export const TaskLabelSchema = z
  .string()
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N}._/+-]{0,49}$/u,
    "labels are 1–50 letters, digits, . _ / + -, no spaces, colons or commas",
  );

export const ProjectSlugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "must be a slug: a-z, 0-9 and dashes");

const notBlank = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((value) => value.trim().length > 0, "must not be blank");

export const TaskStatusSchema = z.enum([
  "open",
  "in_progress",
  "delegated",
  "blocked",
  "failed",
  "completed",
]);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

/** A claim's session state (issue #17): what its holder is doing. */
export const SessionStateSchema = z.enum(["working", "waiting_input", "errored"]);
export type SessionState = z.infer<typeof SessionStateSchema>;

export const PrioritySchema = z.coerce.number().int().min(1).max(4);
export const DueDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");
export const DueTimeSchema = z
  .string()
  .regex(/^\d{2}:\d{2}(:\d{2})?$/, "must be HH:MM or HH:MM:SS");
export const ContextSchema = z.record(z.string(), z.unknown());

/** A project is referred to by its numeric id (the label's id) or its slug. */
export const ProjectRefSchema = z.union([z.number().int().positive(), z.string().min(1).max(50)]);

const serverOnly = {
  root_task_id: z.unknown().optional(),
  delegation_depth: z.unknown().optional(),
};

/** The fields a client writes, shared by create and update. */
const editable = {
  description: z.string().max(10_000).nullish(),
  priority: PrioritySchema.optional(),
  labels: z.array(TaskLabelSchema).max(50).optional(),
  project_id: ProjectRefSchema.nullish(),
  due_date: DueDateSchema.nullish(),
  due_time: DueTimeSchema.nullish(),
  assigned_to_agent_id: AgentIdSchema.nullish(),
};

export const TaskCreateSchema = z
  .object({
    content: notBlank(2000),
    ...editable,
    status: z.enum(["open", "in_progress", "blocked"]).optional(),
    context: ContextSchema.optional(),
    parent_task_id: z.coerce.number().int().positive().nullish(),
    allow_duplicate: z.boolean().optional(),
    auto_complete_parent: z.boolean().optional(),
    ...serverOnly,
  })
  .meta({ id: "TaskCreate" });
export type TaskCreate = z.infer<typeof TaskCreateSchema>;

export const TaskUpdateSchema = z
  .object({
    content: notBlank(2000).optional(),
    ...editable,
    status: TaskStatusSchema.optional(),
    completed: z.boolean().optional(),
    parent_task_id: z.unknown().optional(),
    ...serverOnly,
  })
  .meta({ id: "TaskUpdate" });
export type TaskUpdate = z.infer<typeof TaskUpdateSchema>;

export const AgentRefSchema = z
  .object({ id: z.string(), name: z.string(), display_name: z.string().nullable() })
  .meta({ id: "AgentRef" });

export const DedupMatchSchema = z
  .object({ task_id: z.number().int(), url: z.string(), content: z.string(), score: z.number() })
  .meta({ id: "DedupMatch" });

/** Delega's checklist sub-task: an item inside one task (a GitHub task-list line), not delegation. */
export const SubtaskSchema = z
  .object({
    id: z.number().int(),
    task_id: z.number().int(),
    content: z.string(),
    completed: z.boolean(),
    sort_order: z.number().int(),
  })
  .meta({ id: "Subtask" });
export type Subtask = z.infer<typeof SubtaskSchema>;

export const TaskSchema = z
  .object({
    id: z.number().int(),
    content: z.string(),
    description: z.string().nullable(),
    priority: z.number().int().min(1).max(4),
    labels: z.array(z.string()),
    project_id: z.number().int().nullable(),
    project: z.object({ id: z.number().int(), slug: z.string(), name: z.string() }).nullable(),
    due_date: z.string().nullable(),
    due_time: z.string().nullable(),
    status: TaskStatusSchema,
    completed: z.boolean(),
    completed_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    created_by_agent_id: z.string().nullable(),
    assigned_to_agent_id: z.string().nullable(),
    completed_by_agent_id: z.string().nullable(),
    created_by_agent: AgentRefSchema.nullable(),
    assigned_to_agent: AgentRefSchema.nullable(),
    completed_by_agent: AgentRefSchema.nullable(),
    parent_task_id: z.number().int().nullable(),
    root_task_id: z.number().int(),
    delegation_depth: z.number().int(),
    context: ContextSchema,
    context_version: z.number().int(),
    subtasks: z.array(SubtaskSchema).describe("The checklist: the task list in the issue body"),
    links: z
      .array(TaskLinkSchema)
      .default([])
      .describe(
        "Branches, commits, pull requests and URLs linked to the task (`/tasks/{id}/links`)",
      ),
    url: z.string(),
    // Claims (issue #17): who holds the task, until when, how it is going, what was handed off.
    claimed_by_agent_id: z.string().nullable(),
    lease_expires_at: z.string().nullable(),
    session_state: SessionStateSchema.nullable(),
    session_state_detail: z.string().nullable(),
    handoff_note: z.string().nullable(),
    handoff_by_agent_id: z.string().nullable(),
    handoff_state: SessionStateSchema.nullable(),
    // Dependencies (issue #17), GitHub's own "blocked by" / "blocking" between tasks.
    blocked_by: z
      .array(z.number().int())
      .describe(
        'Tasks this one waits for (GitHub\'s "blocked by"), open or completed: it is ready once all are completed',
      ),
    blocking: z.array(z.number().int()).describe("Tasks that wait for this one"),
    possible_duplicates: z
      .array(DedupMatchSchema)
      .optional()
      .describe(
        "Only on a create: open tasks that may be the same work (the issue names them too)",
      ),
  })
  .meta({ id: "Task" });
export type Task = z.infer<typeof TaskSchema>;

export const DependencyCreateSchema = z
  .object({
    blocked_by: z.coerce
      .number()
      .int()
      .positive()
      .describe("The task this one waits for (its id); completing it unblocks this one"),
  })
  .meta({ id: "DependencyCreate" });

export const DedupQuerySchema = z
  .object({
    content: notBlank(2000),
    description: z.string().max(10_000).nullish(),
    project_id: ProjectRefSchema.nullish(),
    threshold: z.number().min(0).max(1).optional(),
  })
  .meta({ id: "DedupQuery" });

export const DedupResultSchema = z
  .object({
    has_duplicates: z
      .boolean()
      .describe("A create would be refused (409 duplicate_task): some open task is the same work"),
    matches: z.array(DedupMatchSchema).describe("Sure duplicates, best first (at most 5)"),
    possible_duplicates: z
      .array(DedupMatchSchema)
      .describe("Similar open tasks that may be the same work; a create goes on (at most 5)"),
  })
  .meta({ id: "DedupResult" });

export const CommentCreateSchema = z
  .object({ content: notBlank(10_000), author: z.string().max(100).optional() })
  .meta({ id: "CommentCreate" });

export const CommentSchema = z
  .object({
    id: z.number().int(),
    task_id: z.number().int(),
    content: z.string(),
    author: z.string(),
    author_type: z.enum(["agent", "user"]),
    created_at: z.string(),
    url: z.string(),
    notice: z
      .string()
      .optional()
      .describe("Set when a requested `author` was not used (comments are signed by the caller)."),
  })
  .meta({ id: "Comment" });
export type Comment = z.infer<typeof CommentSchema>;

export const ContextPatchSchema = z.record(z.string(), z.unknown()).meta({
  id: "ContextPatch",
  description:
    "Either `{context: {...}, expected_version?: n}` or a bare object of keys to merge (JSON merge patch: null deletes a key).",
});

export const ContextResponseSchema = z
  .object({ task_id: z.number().int(), context: ContextSchema, version: z.number().int() })
  .meta({ id: "TaskContext" });
