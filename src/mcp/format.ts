import type {
  Agent,
  Comment,
  HistoryEntry,
  Project,
  Task,
  TaskChain,
  Webhook,
} from "../sdk/index.js";
import { priorityName } from "../tasks/labels.js";

/** Short text answers for agents: one line per item, with the ids and URLs they need next. */

export function taskLine(task: Task): string {
  const facts = [
    `priority ${task.priority} ${priorityName(task.priority)}`,
    task.assigned_to_agent_id ? `held by ${task.assigned_to_agent_id}` : "unassigned",
    task.due_date ? `due ${task.due_date}` : undefined,
    task.labels.length ? `labels ${task.labels.join(",")}` : undefined,
    task.parent_task_id ? `child of #${task.parent_task_id}` : undefined,
  ].filter(Boolean);
  return `#${task.id} [${task.status}] ${task.content} (${facts.join(", ")}) ${task.url}`;
}

export function taskDetail(task: Task, comments: Comment[] = []): string {
  const lines = [
    taskLine(task),
    task.description ? `Description: ${task.description}` : undefined,
    task.project ? `Project: ${task.project.name} (id ${task.project.id})` : undefined,
    `Created by ${task.created_by_agent_id ?? "a person"} at ${task.created_at}; updated ${task.updated_at}`,
    task.delegation_depth
      ? `Delegation: depth ${task.delegation_depth}, root #${task.root_task_id}, parent #${task.parent_task_id}`
      : undefined,
    Object.keys(task.context).length
      ? `Context (version ${task.context_version}): ${JSON.stringify(task.context)}`
      : undefined,
    task.completed
      ? `Completed at ${task.completed_at} by ${task.completed_by_agent_id ?? "?"}`
      : undefined,
    comments.length ? `Comments (${comments.length}, latest last):` : undefined,
    ...comments.slice(-5).map((c) => `- ${c.author} at ${c.created_at}: ${c.content}`),
  ];
  return lines.filter(Boolean).join("\n");
}

export function taskList(tasks: Task[], empty = "No tasks match."): string {
  if (!tasks.length) return empty;
  return [`${tasks.length} task(s):`, ...tasks.map(taskLine)].join("\n");
}

export function chainText(chain: TaskChain): string {
  return [
    `Chain of root #${chain.root.id}: ${chain.completed_count}/${chain.total_count} completed, depth ${chain.depth}.`,
    ...chain.chain.map((t) => `${"  ".repeat(t.delegation_depth)}${taskLine(t)}`),
  ].join("\n");
}

/** One line per change, oldest first: when, who, what. */
export function historyText(taskId: number, entries: HistoryEntry[]): string {
  if (!entries.length) return `No history for #${taskId}.`;
  const who = (e: HistoryEntry) =>
    e.actor.type === "agent"
      ? `agent ${e.actor.id}`
      : e.actor.type === "person"
        ? `person ${e.actor.login}`
        : `app ${e.actor.login ?? "?"}`;
  const what = (e: HistoryEntry) =>
    Object.entries(e.detail)
      .map(([key, value]) => `${key} ${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(", ");
  return [
    `History of #${taskId} (${entries.length} change(s), oldest first):`,
    ...entries.map((e) => `${e.at} ${who(e)} ${e.action}${what(e) ? ` (${what(e)})` : ""}`),
  ].join("\n");
}

export const agentLine = (a: Agent) =>
  `${a.id} (${a.role}${a.active ? "" : ", inactive"})${a.display_name ? ` "${a.display_name}"` : ""}${a.description ? `: ${a.description}` : ""}`;

export const projectLine = (p: Project) =>
  `${p.id} ${p.emoji ? `${p.emoji} ` : ""}${p.name} (slug ${p.slug})`;

export const webhookLine = (w: Webhook) =>
  `${w.id} ${w.url} events ${w.events.join(",")}${w.active === false ? " (inactive)" : ""}`;
