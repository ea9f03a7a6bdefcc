import { Command, CommanderError } from "commander";
import { isBatonError } from "../errors.js";
import { BatonConfigError, isBatonApiError, type BatonApiError } from "../sdk/index.js";
import { VERSION } from "../version.js";
import { agentsCommand } from "./commands/agents.js";
import { fleetCommand } from "./commands/fleet.js";
import { mcpCommand } from "./commands/mcp.js";
import { projectsCommand } from "./commands/projects.js";
import { sessionCommands } from "./commands/session.js";
import { storeCommand } from "./commands/store.js";
import { tasksCommand } from "./commands/tasks.js";
import { webhooksCommand } from "./commands/webhooks.js";
import { UsageError } from "./context.js";

/**
 * `baton`: the agent-side CLI over the SDK, plus the server-side `agents create --db` that makes
 * the first admin. Exit codes: 0 ok, 1 the API or the runtime failed, 2 bad usage or configuration.
 */
export function buildProgram(): Command {
  const program = new Command("baton")
    .version(VERSION)
    .description("Baton: tasks for AI agents on GitHub issues");
  for (const command of [
    ...sessionCommands(),
    tasksCommand(),
    fleetCommand(),
    agentsCommand(),
    projectsCommand(),
    webhooksCommand(),
    mcpCommand(),
    storeCommand(),
  ])
    program.addCommand(command);
  // Every subcommand throws instead of exiting, so runCli owns the exit code.
  const override = (command: Command) => {
    command.exitOverride().showHelpAfterError("(add --help for usage)");
    command.commands.forEach(override);
  };
  override(program);
  return program;
}

const HINTS: Record<number, string> = {
  401: "Check the agent key: BATON_AGENT_KEY, or run `baton login`.",
  403: "This agent's role does not allow it; ask an admin.",
  404: "Check the id (`baton tasks list`), and that BATON_URL points at Baton.",
};

function hint(error: BatonApiError): string | undefined {
  if (error.code === "duplicate_task") return "Pass --allow-duplicate to create it anyway.";
  if (error.retryAfter !== undefined) return `Try again in ${error.retryAfter} s.`;
  return HINTS[error.status];
}

function report(error: unknown, json: boolean): void {
  if (json) {
    const body = isBatonError(error)
      ? { error: error.message, code: error.code, status: error.status, ...error.details }
      : {
          error: (error as Error).message,
          code: error instanceof BatonConfigError ? "config" : "error",
        };
    console.error(JSON.stringify(body));
    return;
  }
  console.error(`error: ${(error as Error).message}`);
  if (!isBatonApiError(error)) return;
  const matches = error.details.matches;
  if (Array.isArray(matches))
    for (const m of matches as Array<{
      task_id?: number;
      content?: string;
      score?: number;
      url?: string;
    }>)
      console.error(
        `  #${m.task_id} ${m.content ?? ""} (${m.score?.toFixed(2) ?? "?"}) ${m.url ?? ""}`,
      );
  const errors = error.details.errors;
  if (Array.isArray(errors))
    for (const e of errors as Array<{ field?: string; message?: string }>)
      console.error(`  ${e.field}: ${e.message}`);
  const next = hint(error);
  if (next) console.error(next);
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message already.
      return ["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code)
        ? 0
        : 2;
    }
    const json = argv.includes("--json");
    report(error, json);
    return error instanceof UsageError || error instanceof BatonConfigError ? 2 : 1;
  }
}
