import { z } from "zod";
import type { Task } from "./task-schema.js";
import { addDays, today } from "./task-filters.js";

export const StatsSchema = z
  .object({
    total_tasks: z.number().int(),
    open_tasks: z.number().int(),
    total_completed: z.number().int(),
    completed_today: z.number().int(),
    due_today: z.number().int(),
    overdue: z.number().int(),
    upcoming: z.number().int(),
    by_status: z.record(z.string(), z.number().int()),
    by_project: z.array(
      z.object({
        project_id: z.number().int().nullable(),
        name: z.string(),
        total: z.number().int(),
        completed: z.number().int(),
      }),
    ),
  })
  .meta({ id: "Stats" });
export type Stats = z.infer<typeof StatsSchema>;

/** `/stats` on `/api` (Delega's shape, see src/http/delega-shapes.ts): Baton's fields plus aliases. */
export const DelegaStatsSchema = StatsSchema.extend({
  total: z.number().int(),
  completed_tasks: z.number().int(),
  pending_tasks: z.number().int(),
  by_project: z.record(z.string(), z.number().int()).describe("Open tasks by project name"),
  by_project_detail: StatsSchema.shape.by_project,
}).meta({ id: "DelegaStats" });

/** Reads either answer as Baton's `Stats` (the SDK talks to `/api` on localhost). */
export const StatsAnswerSchema = z.preprocess(
  (value) =>
    value && typeof value === "object" && "by_project_detail" in value
      ? { ...value, by_project: value.by_project_detail }
      : value,
  StatsSchema,
);

/** Delega's `/stats` figures over the tasks the caller may see. Pure. */
export function computeStats(tasks: Task[], now: Date): Stats {
  const day = today(now);
  const weekAhead = addDays(day, 7);
  const open = tasks.filter((t) => !t.completed);
  const byStatus: Record<string, number> = {};
  const byProject = new Map<string, Stats["by_project"][number]>();
  for (const task of tasks) {
    byStatus[task.status] = (byStatus[task.status] ?? 0) + 1;
    const key = task.project?.slug ?? "";
    const entry = byProject.get(key) ?? {
      project_id: task.project_id,
      name: task.project?.name ?? "(no project)",
      total: 0,
      completed: 0,
    };
    entry.total += 1;
    if (task.completed) entry.completed += 1;
    byProject.set(key, entry);
  }
  return {
    total_tasks: tasks.length,
    open_tasks: open.length,
    total_completed: tasks.length - open.length,
    completed_today: tasks.filter((t) => t.completed_at?.slice(0, 10) === day).length,
    due_today: open.filter((t) => t.due_date === day).length,
    overdue: open.filter((t) => t.due_date !== null && t.due_date < day).length,
    upcoming: open.filter((t) => t.due_date !== null && t.due_date > day && t.due_date <= weekAhead)
      .length,
    by_status: byStatus,
    by_project: [...byProject.values()],
  };
}
