import { Command, InvalidArgumentError } from "commander";
import { AgentService } from "../agents/agent-service.js";
import { RoleSchema, type Role } from "../agents/agent-schema.js";
import { isBatonError } from "../errors.js";
import { SqliteAgentStore } from "../store/agent-store.js";
import { openDatabase } from "../store/database.js";
import { keyPepper } from "../store/settings-store.js";
import { AgentIdSchema } from "../tasks/task-schema.js";
import { VERSION } from "../version.js";

/**
 * `baton`: the server-side admin commands, working on the store directly (on the server's machine).
 * Exit codes: 0 ok, 1 failed, 2 bad usage.
 */
function localAgents(dbPath: string) {
  const db = openDatabase(dbPath);
  return {
    service: new AgentService({
      store: new SqliteAgentStore(db),
      pepper: keyPepper(db, process.env.BATON_KEY_PEPPER),
    }),
    db,
  };
}

const parseRole = (value: string): Role => {
  const parsed = RoleSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError("must be worker, coordinator or admin");
  return parsed.data;
};

const parseName = (value: string): string => {
  const parsed = AgentIdSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]!.message);
  return parsed.data;
};

export function buildProgram(): Command {
  const program = new Command("baton")
    .version(VERSION)
    .description("Baton: tasks for AI agents on GitHub issues");
  program.exitOverride();
  const agents = program.command("agents").description("manage agents");
  agents
    .command("create")
    .description("create an agent in the server's store and print its key (shown once)")
    .argument("<name>", "agent id: a slug such as infra or agent-frontend", parseName)
    .option("--admin", "make it an admin (same as --role admin)")
    .option("--role <role>", "worker | coordinator | admin", parseRole)
    .option("--display-name <text>", "a human-friendly name")
    .option("--description <text>", "what the agent does")
    .option("--db <path>", "the store (default: $BATON_DB or ./data/baton.db)")
    .option("--json", "print JSON")
    .action(
      (
        name: string,
        opts: {
          admin?: boolean;
          role?: Role;
          displayName?: string;
          description?: string;
          db?: string;
          json?: boolean;
        },
      ) => {
        const { service, db } = localAgents(opts.db ?? process.env.BATON_DB ?? "./data/baton.db");
        try {
          const { agent, apiKey } = service.create({
            name,
            role: opts.role ?? (opts.admin ? "admin" : undefined),
            display_name: opts.displayName,
            description: opts.description,
          });
          if (opts.json) console.log(JSON.stringify(agent));
          else {
            console.log(`Created ${agent.role} agent "${agent.id}".`);
            console.log(`API key (shown once, store it now): ${apiKey}`);
          }
        } finally {
          db.close();
        }
      },
    );
  agents
    .command("list")
    .description("list agents in the server's store")
    .option("--db <path>", "the store (default: $BATON_DB or ./data/baton.db)")
    .option("--json", "print JSON")
    .action((opts: { db?: string; json?: boolean }) => {
      const { service, db } = localAgents(opts.db ?? process.env.BATON_DB ?? "./data/baton.db");
      try {
        const list = service.list();
        if (opts.json)
          console.log(JSON.stringify(list.map(({ key_hash: _hash, ...rest }) => rest)));
        else
          for (const a of list)
            console.log(
              `${a.id.padEnd(24)} ${a.role.padEnd(12)} ${a.active ? "active" : "inactive"}  ${a.key_prefix}…`,
            );
      } finally {
        db.close();
      }
    });
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (
      code === "commander.helpDisplayed" ||
      code === "commander.version" ||
      code === "commander.help"
    )
      return 0;
    if (typeof code === "string" && code.startsWith("commander.")) return 2;
    console.error(
      `error: ${isBatonError(error) ? `${error.message} (${error.code})` : (error as Error).message}`,
    );
    return 1;
  }
}
