import { z } from "zod";
import {
  AgentIdSchema,
  PrioritySchema,
  ProjectRefSchema,
  TaskLabelSchema,
  TaskStatusSchema,
  type Task,
} from "./task-schema.js";

/** `true`/`false`/`1`/`0`, and Python's `True`/`False` (Delega's SDK urlencodes booleans). */
const queryBoolean = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", "True", "False"])])
  .transform((value) => value === true || value === "true" || value === "True" || value === "1");

const DueDateQuery = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");

/** Query parameters of `GET /tasks` (Delega's names, plus Baton's filters). */
export const TaskListQuerySchema = z
  .object({
    assigned_to: AgentIdSchema.optional(),
    created_by: AgentIdSchema.optional(),
    status: TaskStatusSchema.optional(),
    priority: PrioritySchema.optional(),
    project_id: z.union([z.coerce.number().int().positive(), ProjectRefSchema]).optional(),
    label: TaskLabelSchema.optional(),
    completed: queryBoolean.optional(),
    include_completed: queryBoolean.optional(),
    due: z
      .union([z.enum(["today", "upcoming", "overdue"]), DueDateQuery])
      .optional()
      .describe("today, upcoming (7 days), overdue, or a date (YYYY-MM-DD: due that day)"),
    due_after: DueDateQuery.optional().describe("Due after this date (Delega's Python SDK)"),
    due_before: DueDateQuery.optional().describe("Due before this date (Delega's Python SDK)"),
    labels: z
      .union([TaskLabelSchema, z.array(TaskLabelSchema).max(20)])
      .transform((value) => (Array.isArray(value) ? value : [value]))
      .optional()
      .describe("Tasks carrying every one of these labels (repeat the parameter)"),
    search: z.string().max(200).optional(),
    /** Held by a live claim (true) or not (false); issue #17. */
    claimed: queryBoolean.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    page: z.coerce.number().int().min(1).default(1),
  })
  .meta({ id: "TaskListQuery" });
export type TaskFilters = z.infer<typeof TaskListQuerySchema>;

export const today = (now: Date) => now.toISOString().slice(0, 10);

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The filters GitHub's label query cannot express, applied to decoded tasks. Pure. */
export function matchesFilters(task: Task, filters: TaskFilters, now: Date): boolean {
  if (filters.created_by && task.created_by_agent_id !== filters.created_by) return false;
  if (filters.assigned_to && task.assigned_to_agent_id !== filters.assigned_to) return false;
  if (filters.status && task.status !== filters.status) return false;
  if (filters.completed !== undefined && task.completed !== filters.completed) return false;
  if (filters.claimed !== undefined && (task.claimed_by_agent_id !== null) !== filters.claimed)
    return false;
  if (filters.labels && !filters.labels.every((label) => task.labels.includes(label))) return false;
  if (filters.due_after && !(task.due_date !== null && task.due_date > filters.due_after))
    return false;
  if (filters.due_before && !(task.due_date !== null && task.due_date < filters.due_before))
    return false;
  if (filters.due && /^\d/.test(filters.due)) {
    if (task.due_date !== filters.due) return false;
  } else if (filters.due) {
    const day = today(now);
    if (!task.due_date || task.completed) return false;
    if (filters.due === "today" && task.due_date !== day) return false;
    if (filters.due === "overdue" && !(task.due_date < day)) return false;
    if (filters.due === "upcoming" && !(task.due_date > day && task.due_date <= addDays(day, 7)))
      return false;
  }
  if (filters.search) {
    const needle = filters.search.toLowerCase();
    if (!`${task.content}\n${task.description ?? ""}`.toLowerCase().includes(needle)) return false;
  }
  return true;
}
