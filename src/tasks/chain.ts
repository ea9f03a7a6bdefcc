import { z } from "zod";
import { canRead, type Caller } from "./access.js";
import { TaskSchema, type Task } from "./task-schema.js";

/** A task in a chain or child list; `redacted` when the caller may not read the task itself. */
export const ChainTaskSchema = TaskSchema.extend({ redacted: z.boolean() }).meta({
  id: "ChainTask",
});
export type ChainTask = z.infer<typeof ChainTaskSchema>;

export const ChainSchema = z
  .object({
    root: ChainTaskSchema,
    chain: z.array(ChainTaskSchema),
    depth: z.number().int(),
    completed_count: z.number().int(),
    total_count: z.number().int(),
  })
  .meta({ id: "Chain" });
export type Chain = z.infer<typeof ChainSchema>;

/**
 * What a caller who may not read a task still learns from a chain: where it sits, who holds it
 * and how far it got, never what it says (content, description, labels, project, context,
 * checklist, links).
 */
export function scopeTask(caller: Caller, task: Task): ChainTask {
  if (canRead(caller, task)) return { ...task, redacted: false };
  return {
    ...task,
    content: "",
    description: null,
    labels: [],
    project_id: null,
    project: null,
    due_date: null,
    due_time: null,
    context: {},
    context_version: 0,
    session_state_detail: null,
    handoff_note: null,
    subtasks: [],
    links: [],
    redacted: true,
  };
}

/** The chain answer: the root, then every descendant parents-first, with counts. */
export function buildChain(caller: Caller, tasks: Task[]): Chain {
  const scoped = tasks.map((task) => scopeTask(caller, task));
  const root = scoped[0]!;
  return {
    root,
    chain: scoped,
    depth: Math.max(...scoped.map((t) => t.delegation_depth)),
    completed_count: scoped.filter((t) => t.completed).length,
    total_count: scoped.length,
  };
}
