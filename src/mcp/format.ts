import type {
  Agent,
  Comment,
  FleetAttention,
  HistoryEntry,
  Project,
  Task,
  TaskChain,
  TaskLink,
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

const numbered = (ids: number[]) => ids.map((id) => `#${id}`).join(", ");

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
    task.links.length ? `Links: ${task.links.map(linkText).join("; ")}` : undefined,
    task.blocked_by?.length ? `Waits for: ${numbered(task.blocked_by)}` : undefined,
    task.blocking?.length ? `Blocking: ${numbered(task.blocking)}` : undefined,
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
  `${a.id} (${a.role}${a.active ? "" : ", inactive"}${a.project_ids ? `, projects ${a.project_ids.join(",") || "none"}` : ""})${a.display_name ? ` "${a.display_name}"` : ""}${a.description ? `: ${a.description}` : ""}`;

export const projectLine = (p: Project) =>
  `${p.id} ${p.emoji ? `${p.emoji} ` : ""}${p.name} (slug ${p.slug})`;

export const webhookLine = (w: Webhook) =>
  `${w.id} ${w.url} events ${w.events.join(",")}${w.active === false ? " (inactive)" : ""}`;

/** "pr acme/api#12 https://github.com/acme/api/pull/12" */
export const linkText = (link: TaskLink) =>
  [
    link.kind,
    `${link.repo ?? ""}${link.kind === "pr" ? "#" : link.repo ? " " : ""}${link.ref}`,
    link.url && link.url !== link.ref ? link.url : undefined,
  ]
    .filter(Boolean)
    .join(" ");

const BUCKET_TITLES: Record<keyof FleetAttention["buckets"], string> = {
  abandoned_claims: "Abandoned claims (the holder went silent, the lease ran out)",
  silent_holders: "Silent holders (claimed, no heartbeat for over half the lease)",
  errored: "Errored",
  waiting_input: "Waiting for input",
  overdue: "Overdue",
  looping: "Looping (reopened again and again)",
};

export function attentionText(attention: FleetAttention): string {
  if (attention.count === 0) return "Fleet attention: nothing needs attention right now.";
  const lines = [`Fleet attention: ${attention.count} task(s) need a look.`];
  for (const [bucket, title] of Object.entries(BUCKET_TITLES)) {
    const tasks = attention.buckets[bucket as keyof FleetAttention["buckets"]];
    if (!tasks.length) continue;
    lines.push("", `${title} (${tasks.length}):`);
    for (const task of tasks) {
      const who = task.claimed_by_agent_id ?? task.handoff_by_agent_id;
      const detail = task.session_state_detail ?? task.handoff_note;
      lines.push(
        `- #${task.id} ${task.content}${who ? ` (${who})` : ""}${detail ? `: ${detail}` : ""} ${task.url}`,
      );
    }
  }
  return lines.join("\n");
}
