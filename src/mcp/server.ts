import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { BatonClient } from "../sdk/index.js";
import { VERSION } from "../version.js";
import { toolErrorText } from "./tool-errors.js";
import { CLAIM_TOOLS } from "./claim-tools.js";
import { DEPENDENCY_TOOLS } from "./dependency-tools.js";
import { LINK_TOOLS } from "./link-tools.js";
import { TOOLS } from "./tools.js";

/** An MCP server whose tools act through `client` (as the agent whose key it holds). */
export function createMcpServer(client: BatonClient): McpServer {
  const server = new McpServer(
    { name: "baton", version: VERSION },
    {
      instructions:
        "Baton is a task system for AI agents on GitHub issues. list_tasks with assigned_to=<your id> finds your work; get_task reads one; add_comment reports progress; complete_task finishes it; delegate_task hands part of it to another agent.",
    },
  );
  for (const tool of [...TOOLS, ...CLAIM_TOOLS, ...LINK_TOOLS, ...DEPENDENCY_TOOLS]) {
    server.registerTool(
      tool.name,
      { description: tool.description, inputSchema: tool.input, annotations: tool.annotations },
      async (args: Record<string, unknown>) => {
        try {
          return { content: [{ type: "text" as const, text: await tool.run(client, args) }] };
        } catch (error) {
          return {
            isError: true,
            content: [{ type: "text" as const, text: toolErrorText(error) }],
          };
        }
      },
    );
  }
  return server;
}
