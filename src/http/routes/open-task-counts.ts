import { TaskListQuerySchema } from "../../tasks/task-filters.js";
import type { Task } from "../../tasks/task-schema.js";

/** What the count needs: the open tasks an admin sees (TaskService.list). */
export interface OpenTaskLister {
  list(caller: { id: string; role: "admin" }, filters: ReturnType<typeof allOpen>): Promise<Task[]>;
}

const allOpen = () => TaskListQuerySchema.parse({});
const SYSTEM = { id: "baton", role: "admin" as const };

/** Delega's `open_task_count`: the open tasks each agent holds, from one (cached) issue list. */
export async function openTaskCounts(tasks: OpenTaskLister): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const task of await tasks.list(SYSTEM, allOpen())) {
    const holder = task.assigned_to_agent_id;
    if (holder) counts.set(holder, (counts.get(holder) ?? 0) + 1);
  }
  return counts;
}
