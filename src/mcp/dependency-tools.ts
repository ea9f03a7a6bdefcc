import type { Task } from "../sdk/index.js";
import { taskId, tool, type BatonTool } from "./tools.js";

const waits = (task: Task) =>
  task.blocked_by.length
    ? `#${task.id} now waits for ${task.blocked_by.map((id) => `#${id}`).join(", ")}; it is ready once they are completed.`
    : `#${task.id} waits for nothing now.`;

/**
 * Dependencies between tasks (docs/coordination.md). Delega's MCP has no such tools; these are
 * named like its others, after the SDK's `addDependency` and `removeDependency`.
 */
export const DEPENDENCY_TOOLS: BatonTool[] = [
  tool({
    name: "add_task_dependency",
    description:
      'Say that a task must wait for another (GitHub\'s "blocked by"): it leaves the ready queue until that task is completed, and subscribers hear task.unblocked then. Refused when the other task already waits for this one.',
    kind: "write",
    input: {
      task_id: taskId.describe("The task that waits, e.g. 12"),
      blocked_by: taskId.describe("The task it waits for, e.g. 9"),
    },
    run: async (client, { task_id, blocked_by }) =>
      waits(await client.tasks.addDependency(task_id, blocked_by)),
  }),
  tool({
    name: "remove_task_dependency",
    description: 'Stop a task waiting for another (remove a "blocked by" added before).',
    kind: "write",
    input: {
      task_id: taskId.describe("The task that waits, e.g. 12"),
      blocked_by: taskId.describe("The task it should no longer wait for, e.g. 9"),
    },
    run: async (client, { task_id, blocked_by }) =>
      waits(await client.tasks.removeDependency(task_id, blocked_by)),
  }),
];
