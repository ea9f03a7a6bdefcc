import { Command } from "commander";
import { connect, withCommon, type CommonOptions } from "../context.js";

export function mcpCommand(): Command {
  return withCommon(
    new Command("mcp").description(
      "serve Baton's tools to an MCP client over stdio (Claude Code, Codex, Cursor)",
    ),
  ).action(async (opts: CommonOptions) => {
    const client = connect(opts);
    // Loaded on demand: the MCP SDK is only needed by this command.
    const { serveStdio } = await import("../../mcp/stdio.js");
    await serveStdio(client);
  });
}
