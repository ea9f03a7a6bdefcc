import type { Agent, Task, TaskLink } from "../sdk/index.js";
import { priorityName } from "../tasks/labels.js";

/** Everything the CLI prints goes through here, so `--json` is honoured in one place. */
export const printJson = (value: unknown) => console.log(JSON.stringify(value, null, 2));

const clip = (text: string, width: number) =>
  text.length > width ? `${text.slice(0, width - 1)}…` : text;

/** A plain aligned table: a header row, then one row per item. */
export function table<T>(rows: T[], columns: Array<[header: string, cell: (row: T) => unknown]>) {
  if (!rows.length) {
    console.log("(none)");
    return;
  }
  const cells = rows.map((row) =>
    columns.map(([, cell]) => {
      const value = cell(row);
      return value === null || value === undefined ? "-" : clip(String(value), 60);
    }),
  );
  const widths = columns.map(([header], i) =>
    Math.max(header.length, ...cells.map((line) => line[i]!.length)),
  );
  const format = (line: string[]) =>
    line
      .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  console.log(format(columns.map(([header]) => header)));
  for (const line of cells) console.log(format(line));
}

/** `label: value` lines, skipping empty values. */
export function details(pairs: Array<[label: string, value: unknown]>) {
  const shown = pairs.filter(([, v]) => v !== null && v !== undefined && v !== "");
  const width = Math.max(...shown.map(([label]) => label.length));
  for (const [label, value] of shown) {
    const text = typeof value === "object" ? JSON.stringify(value) : String(value);
    console.log(`${`${label}:`.padEnd(width + 1)} ${text}`);
  }
}

/** "pr acme/api#12 https://…": how a link reads in one line. */
export const linkLine = (link: TaskLink) =>
  [
    link.kind,
    link.kind === "pr" ? `${link.repo ?? ""}#${link.ref}` : link.ref,
    link.kind !== "pr" && link.repo ? `(${link.repo})` : undefined,
    link.url && link.url !== link.ref ? link.url : undefined,
  ]
    .filter(Boolean)
    .join(" ");

export const taskColumns: Array<[string, (t: Task) => unknown]> = [
  ["ID", (t) => t.id],
  ["PRI", (t) => priorityName(t.priority)],
  ["STATUS", (t) => t.status],
  ["ASSIGNEE", (t) => t.assigned_to_agent_id],
  ["DUE", (t) => t.due_date],
  ["CONTENT", (t) => t.content],
];

/** "#3, #5", or nothing for none (older servers send no dependency fields). */
const ids = (list: number[] | undefined) => list?.map((id) => `#${id}`).join(", ") || undefined;

export function showTask(task: Task) {
  details([
    ["id", task.id],
    ["content", task.content],
    ["status", task.status],
    ["priority", `${task.priority} (${priorityName(task.priority)})`],
    ["labels", task.labels.join(", ")],
    ["project", task.project?.name],
    ["due", [task.due_date, task.due_time].filter(Boolean).join(" ")],
    ["created by", task.created_by_agent_id],
    ["assigned to", task.assigned_to_agent_id],
    ["claimed by", task.claimed_by_agent_id],
    ["lease until", task.lease_expires_at],
    [
      "session",
      task.session_state &&
        [task.session_state, task.session_state_detail].filter(Boolean).join(": "),
    ],
    ["handoff", task.handoff_note],
    ["links", task.links.map(linkLine).join(", ")],
    ["blocked by", ids(task.blocked_by)],
    ["blocking", ids(task.blocking)],
    ["parent", task.parent_task_id],
    ["root", task.root_task_id !== task.id ? task.root_task_id : undefined],
    ["depth", task.delegation_depth || undefined],
    ["context", Object.keys(task.context).length ? task.context : undefined],
    ["url", task.url],
  ]);
  if (task.description) console.log(`\n${task.description}`);
}

/** "every project" or the ids an admin restricted the agent to. */
const projectsOf = (a: Agent) =>
  a.project_ids === null ? "all" : a.project_ids.join(",") || "none";

export const agentColumns: Array<[string, (a: Agent) => unknown]> = [
  ["ID", (a) => a.id],
  ["ROLE", (a) => a.role],
  ["ACTIVE", (a) => (a.active ? "yes" : "no")],
  ["KEY", (a) => `${a.key_prefix}…`],
  ["LAST SEEN", (a) => a.last_seen_at],
  ["PROJECTS", projectsOf],
  ["NAME", (a) => a.display_name],
];

/** One agent, as `agents update` answers. */
export function showAgent(agent: Agent) {
  console.log(
    `Agent "${agent.id}" (${agent.role}${agent.active ? "" : ", inactive"}), projects: ${projectsOf(agent)}.`,
  );
}

/** Prints a freshly issued key; the only place the CLI ever shows one. */
export function showNewKey(agent: Agent) {
  console.log(`Agent "${agent.id}" (${agent.role}).`);
  console.log(`API key (shown once, store it now): ${agent.api_key}`);
}
