import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { BatonClient } from "../sdk/index.js";
import { createMcpServer } from "./server.js";

/** `baton mcp`: serves the tools on stdin/stdout until the client closes the pipe. */
export async function serveStdio(client: BatonClient): Promise<void> {
  const server = createMcpServer(client);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once("end", () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
