import { z } from "zod";
import { LINK_KINDS } from "../tasks/task-links.js";
import { attentionText, linkText } from "./format.js";
import { taskId, tool, type BatonTool } from "./tools.js";

/** Links and triage, with the hosted Delega MCP's tool names (docs/coordination.md). */
export const LINK_TOOLS: BatonTool[] = [
  tool({
    name: "link_task",
    description:
      "Attach a branch, commit, pull request or URL to a task, so the work travels with it (people see the list on the task's issue). Linking the same thing twice stores it once.",
    kind: "write",
    input: {
      task_id: taskId,
      kind: z.enum(LINK_KINDS).describe("branch, commit, pr or url"),
      repo: z.string().optional().describe("owner/name of the repository, when it is one"),
      ref: z
        .string()
        .describe("Branch name, commit SHA, pull request number, or the URL for kind url"),
      url: z.string().optional().describe("http(s) URL of the link, if there is one"),
    },
    run: async (client, { task_id, ...link }) =>
      `Linked #${task_id}: ${linkText(await client.tasks.link(task_id, link))}`,
  }),
  tool({
    name: "list_task_links",
    description: "List the branches, commits, pull requests and URLs linked to a task.",
    kind: "read",
    input: { task_id: taskId },
    run: async (client, { task_id }) => {
      const links = await client.tasks.links(task_id);
      if (!links.length) return `Task #${task_id} has no links.`;
      return [`Links of #${task_id}:`, ...links.map((link) => `- ${linkText(link)}`)].join("\n");
    },
  }),
  tool({
    name: "fleet_attention",
    description:
      "Triage: everything that needs a person or coordinator now — abandoned claims (an agent died and its lease ran out), silent holders, errored and waiting-for-input tasks, overdue and looping (reopened again and again) tasks. Coordinators and admins see the whole fleet, workers their own tasks. Read-only.",
    kind: "read",
    input: {},
    run: async (client) => attentionText(await client.fleet.attention()),
  }),
];
