import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { BatonClient } from "../sdk/index.js";
import {
  agentLine,
  chainText,
  historyText,
  projectLine,
  taskDetail,
  taskLine,
  taskList,
  webhookLine,
} from "./format.js";

/** One MCP tool: Delega's name and parameters, a description telling an agent when to use it. */
export interface BatonTool {
  name: string;
  description: string;
  input: z.ZodObject;
  annotations: ToolAnnotations;
  run(client: BatonClient, args: Record<string, unknown>): Promise<string>;
}

export function tool<S extends z.ZodRawShape>(definition: {
  name: string;
  description: string;
  input: S;
  kind: "read" | "write" | "destructive";
  run: (client: BatonClient, args: z.infer<z.ZodObject<S>>) => Promise<string>;
}): BatonTool {
  return {
    name: definition.name,
    description: definition.description,
    input: z.object(definition.input),
    annotations: {
      readOnlyHint: definition.kind === "read",
      destructiveHint: definition.kind === "destructive",
      openWorldHint: false,
    },
    // The MCP SDK has validated args against `input` before this runs.
    run: (client, args) => definition.run(client, args as z.infer<z.ZodObject<S>>),
  };
}

/** Agents send ids as numbers or strings ("12", "#12"). */
export const taskId = z
  .union([z.number().int().positive(), z.string().regex(/^#?\d+$/, "must be a task number")])
  .transform((v) => Number(String(v).replace("#", "")))
  .describe("The task's id (its issue number), e.g. 12");
const projectId = z
  .union([z.number().int().positive(), z.string().min(1)])
  .describe("Project id or slug (see list_projects)");
const priority = z
  .number()
  .int()
  .min(1)
  .max(4)
  .describe("1 low, 2 medium (default), 3 high, 4 urgent");
const labels = z.array(z.string()).describe('Free labels, e.g. ["backend", "tls"]');
const dueDate = z.string().describe("YYYY-MM-DD");
const agentId = z.string().describe("An agent's id (see list_agents)");

const taskFields = {
  description: z.string().optional().describe("Details: what done looks like, links, constraints"),
  project_id: projectId.optional(),
  labels: labels.optional(),
  priority: priority.optional(),
  due_date: dueDate.optional(),
};

export const TOOLS: BatonTool[] = [
  tool({
    name: "list_tasks",
    description:
      "List tasks you may see, newest first. Use to find work assigned to you (assigned_to: your id), check what is open, or find a task's id. Completed tasks are hidden unless completed=true.",
    kind: "read",
    input: {
      project_id: projectId.optional(),
      label: z.string().optional().describe("Only tasks with this label"),
      due: z.enum(["today", "upcoming", "overdue"]).optional(),
      completed: z.boolean().optional().describe("true: only completed tasks"),
      assigned_to: agentId.optional().describe("Only tasks held by this agent"),
      status: z
        .enum(["open", "in_progress", "delegated", "blocked", "failed", "completed"])
        .optional(),
      search: z.string().optional().describe("Text to find in content or description"),
      limit: z.number().int().min(1).max(100).optional().describe("At most this many (default 50)"),
    },
    run: async (client, args) => taskList(await client.tasks.list(args)),
  }),
  tool({
    name: "get_task",
    description:
      "Read one task in full: description, status, holder, context, delegation and its latest comments. Use before working on a task.",
    kind: "read",
    input: { task_id: taskId },
    run: async (client, { task_id }) => {
      const [task, comments] = await Promise.all([
        client.tasks.get(task_id),
        client.tasks.comments(task_id),
      ]);
      return taskDetail(task, comments);
    },
  }),
  tool({
    name: "create_task",
    description:
      "Create a task (a GitHub issue). Similar open tasks are checked first: if one exists you get its id instead; reuse it, or repeat with allow_duplicate=true. To split your own task into sub-tasks use delegate_task instead.",
    kind: "write",
    input: {
      content: z.string().min(1).describe("One line: what needs doing"),
      ...taskFields,
      assigned_to_agent_id: agentId.optional().describe("Agent to hold the task"),
      allow_duplicate: z.boolean().optional().describe("Create even if a similar task exists"),
    },
    run: async (client, args) => {
      const task = await client.tasks.create(args);
      const possible = (task.possible_duplicates ?? []).map((m) => `#${m.task_id} ${m.content}`);
      return possible.length > 0
        ? `Created ${taskLine(task)}\nPossibly the same work: ${possible.join("; ")}`
        : `Created ${taskLine(task)}`;
    },
  }),
  tool({
    name: "update_task",
    description:
      "Change a task's fields (only those given). Use to refine the description, re-prioritise, set a status such as in_progress or blocked, or hand it to another agent.",
    kind: "write",
    input: {
      task_id: taskId,
      content: z.string().min(1).optional(),
      ...taskFields,
      assigned_to_agent_id: agentId.nullable().optional().describe("New holder; null unassigns"),
      status: z.enum(["open", "in_progress", "blocked", "failed"]).optional(),
    },
    run: async (client, { task_id, ...changes }) =>
      `Updated ${taskLine(await client.tasks.update(task_id, changes))}`,
  }),
  tool({
    name: "complete_task",
    description:
      "Mark a task completed when its work is done (closes the issue). Add a comment with the result first, so others see what was done.",
    kind: "write",
    input: { task_id: taskId },
    run: async (client, { task_id }) =>
      `Completed ${taskLine(await client.tasks.complete(task_id))}`,
  }),
  tool({
    name: "delete_task",
    description:
      "Delete a task that should not be done at all (closes the issue as not planned). For finished work use complete_task.",
    kind: "destructive",
    input: { task_id: taskId },
    run: async (client, { task_id }) => {
      await client.tasks.delete(task_id);
      return `Deleted task #${task_id}.`;
    },
  }),
  tool({
    name: "add_comment",
    description:
      "Comment on a task: progress, findings, questions or the result. Comments are visible to people on GitHub and to other agents.",
    kind: "write",
    input: {
      task_id: taskId,
      content: z.string().min(1).describe("The comment, Markdown"),
      author: z.string().optional().describe("Ignored: comments are attributed to your agent"),
    },
    run: async (client, { task_id, content }) => {
      const comment = await client.tasks.comment(task_id, content);
      return `Commented on #${task_id} as ${comment.author}: ${comment.url}`;
    },
  }),
  tool({
    name: "list_projects",
    description: "List projects (ids, names, slugs) to file tasks under with project_id.",
    kind: "read",
    input: {},
    run: async (client) => {
      const projects = await client.projects.list();
      return projects.length ? projects.map(projectLine).join("\n") : "No projects yet.";
    },
  }),
  tool({
    name: "get_stats",
    description:
      "Counts over the tasks you may see: open, completed, due today, overdue, by project.",
    kind: "read",
    input: {},
    run: async (client) => {
      const s = await client.stats();
      const projects = s.by_project.map((p) => `${p.name} ${p.completed}/${p.total}`).join(", ");
      return `Tasks: ${s.total_tasks} total, ${s.open_tasks} open, ${s.total_completed} completed (${s.completed_today} today); ${s.due_today} due today, ${s.overdue} overdue, ${s.upcoming} due this week.${projects ? ` By project: ${projects}.` : ""}`;
    },
  }),
  tool({
    name: "list_agents",
    description: "List agents and their roles: whom you can assign or delegate tasks to.",
    kind: "read",
    input: {},
    run: async (client) => (await client.agents.list()).map(agentLine).join("\n") || "No agents.",
  }),
  tool({
    name: "register_agent",
    description:
      "Register a new agent (admin only). The answer holds its API key, shown this once: pass it to that agent securely.",
    kind: "write",
    input: {
      name: z.string().describe("Agent id: a slug such as infra or agent-frontend"),
      display_name: z.string().optional(),
      description: z.string().optional().describe("What the agent does"),
      role: z.enum(["worker", "coordinator", "admin"]).optional().describe("Default worker"),
      permissions: z
        .array(z.string())
        .optional()
        .describe('Delega\'s field; "admin" makes an admin, otherwise use role'),
      project_ids: z
        .array(projectId)
        .optional()
        .describe(
          "Only these projects' open unassigned tasks are its work (default: every project)",
        ),
    },
    run: async (client, { permissions, ...args }) => {
      const agent = await client.agents.create({
        ...args,
        ...(permissions?.includes("admin") && !args.role ? { role: "admin" as const } : {}),
      });
      return `Registered ${agentLine(agent)}. API key (shown once): ${agent.api_key}`;
    },
  }),
  tool({
    name: "delete_agent",
    description: "Deactivate an agent (admin only): its key stops working at once.",
    kind: "destructive",
    input: { agent_id: agentId },
    run: async (client, { agent_id }) => {
      await client.agents.delete(agent_id);
      return `Deactivated agent ${agent_id}.`;
    },
  }),
  tool({
    name: "list_webhooks",
    description: "List webhook subscriptions (admin): where task events are sent.",
    kind: "read",
    input: {},
    run: async (client) =>
      (await client.webhooks.list()).map(webhookLine).join("\n") || "No webhooks.",
  }),
  tool({
    name: "create_webhook",
    description:
      "Subscribe an https URL to task events (admin), e.g. task.created, task.completed, task.delegated, task.commented. Deliveries are signed; the secret is shown once.",
    kind: "write",
    input: {
      url: z.string().describe("https:// URL that receives the events"),
      events: z.array(z.string()).min(1).describe('Event names, e.g. ["task.completed"]'),
      project_id: z
        .union([z.number().int(), z.string()])
        .optional()
        .describe("Optional: only tasks of this project (id or slug)"),
      agent_id: z.string().optional().describe("Optional: only tasks this agent created or holds"),
    },
    run: async (client, args) => {
      const hook = await client.webhooks.create(args);
      return `Created webhook ${webhookLine(hook)}.${hook.secret ? ` Signing secret (shown once): ${hook.secret}` : ""}`;
    },
  }),
  tool({
    name: "delete_webhook",
    description: "Delete a webhook subscription (admin).",
    kind: "destructive",
    input: { webhook_id: z.union([z.number().int(), z.string()]).describe("See list_webhooks") },
    run: async (client, { webhook_id }) => {
      await client.webhooks.delete(webhook_id);
      return `Deleted webhook ${webhook_id}.`;
    },
  }),
  tool({
    name: "assign_task",
    description:
      "Hand a task to an agent (agent_id), or unassign it (agent_id null). To create new work for another agent under your task, use delegate_task.",
    kind: "write",
    input: { task_id: taskId, agent_id: agentId.nullable() },
    run: async (client, { task_id, agent_id }) =>
      `Assigned ${taskLine(await client.tasks.assign(task_id, agent_id))}`,
  }),
  tool({
    name: "delegate_task",
    description:
      "Split off part of a task as a sub-task (a GitHub sub-issue), usually for another agent (assigned_to_agent_id). The parent shows as delegated until its sub-tasks are done; follow progress with get_task_chain.",
    kind: "write",
    input: {
      task_id: taskId.describe("The parent task"),
      content: z.string().min(1).describe("What the sub-task is"),
      ...taskFields,
      assigned_to_agent_id: agentId.optional().describe("Agent to do the sub-task"),
    },
    run: async (client, { task_id, ...child }) =>
      `Delegated ${taskLine(await client.tasks.delegate(task_id, child))}`,
  }),
  tool({
    name: "get_task_chain",
    description:
      "Show the whole delegation tree a task belongs to (root and all sub-tasks you may see) with completion counts.",
    kind: "read",
    input: { task_id: taskId },
    run: async (client, { task_id }) => chainText(await client.tasks.chain(task_id)),
  }),
  tool({
    name: "get_task_history",
    description:
      "Who changed a task, what and when: agents, and people on github.com (labels, closing, comments, edits). Use to see who steered a task before acting on it.",
    kind: "read",
    input: { task_id: taskId },
    run: async (client, { task_id }) =>
      historyText(task_id, await client.tasks.historyAll(task_id)),
  }),
  tool({
    name: "update_task_context",
    description:
      "Merge keys into a task's shared context (a JSON object other agents read): findings, artefact URLs, decisions. A null value deletes a key. Pass expected_version to fail instead of overwriting a newer change.",
    kind: "write",
    input: {
      task_id: taskId,
      context: z.record(z.string(), z.unknown()).describe('Keys to set, e.g. {"pr": 42}'),
      expected_version: z.number().int().min(0).optional(),
    },
    run: async (client, { task_id, context, expected_version }) => {
      const result = await client.tasks.updateContext(task_id, context, {
        expectedVersion: expected_version,
      });
      return `Context of #${task_id} is now version ${result.version}: ${JSON.stringify(result.context)}`;
    },
  }),
  tool({
    name: "find_duplicate_tasks",
    description:
      "Check whether an open task like this already exists, without creating anything. Use before create_task when unsure.",
    kind: "read",
    input: {
      content: z.string().min(1).describe("The task text you would create"),
      description: z.string().optional(),
      threshold: z.number().min(0).max(1).optional().describe("Similarity needed (0–1)"),
    },
    run: async (client, args) => {
      const result = await client.tasks.dedup(args);
      const line = (m: { task_id: number; content: string; score: number; url: string }) =>
        `#${m.task_id} ${m.content} (score ${m.score.toFixed(2)})${m.url ? ` ${m.url}` : ""}`;
      const possible = result.possible_duplicates ?? [];
      if (!result.has_duplicates && possible.length === 0)
        return "No similar open task: safe to create.";
      return [
        ...(result.has_duplicates
          ? ["The same work is already open (create_task would be refused):"]
          : []),
        ...result.matches.map(line),
        ...(possible.length > 0
          ? ["Possibly the same work (create_task would go on; check before creating):"]
          : []),
        ...possible.map(line),
      ].join("\n");
    },
  }),
];
