import { loadStoreConfig } from "../../config.js";
import { Command, InvalidArgumentError } from "commander";
import { AgentService, toAgent } from "../../agents/agent-service.js";
import { RoleSchema, type Role } from "../../agents/agent-schema.js";
import { SqliteAgentStore } from "../../store/agent-store.js";
import { openStore } from "../../store/open-store.js";
import { keyPepper } from "../../store/settings-store.js";
import { AgentIdSchema } from "../../tasks/task-schema.js";
import { hasServer, run, withCommon, type CommonOptions } from "../context.js";
import { agentColumns, printJson, showNewKey, table } from "../output.js";

interface LocalOptions extends CommonOptions {
  db?: string;
  local?: boolean;
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

/**
 * On the server's machine the store is used directly (that is how the first admin is made):
 * with --db or --local, or when no server is configured. Otherwise the command calls the API.
 */
const useStore = (opts: LocalOptions) => Boolean(opts.db || opts.local || !hasServer(opts));

function withStore<T>(opts: LocalOptions, work: (service: AgentService) => T): T {
  const config = loadStoreConfig();
  // --db names a SQLite file; without it, the configured store (DATABASE_URL or BATON_DB).
  const db = openStore(opts.db ? { path: opts.db } : config.store);
  try {
    return work(
      new AgentService({
        store: new SqliteAgentStore(db),
        pepper: keyPepper(db, config.keyPepper),
      }),
    );
  } finally {
    db.close();
  }
}

const withLocal = (command: Command) =>
  withCommon(command)
    .option("--db <path>", "work on this store directly (default: $BATON_DB or ./data/baton.db)")
    .option("--local", "work on the store directly, not the API");

export function agentsCommand(): Command {
  const agents = new Command("agents").description(
    "manage agents (most actions need an admin key)",
  );

  withLocal(
    agents
      .command("create")
      .description("create an agent and print its key (shown once)")
      .argument("<name>", "agent id: a slug such as infra or agent-frontend", parseName)
      .option("--admin", "make it an admin (same as --role admin)")
      .option("--role <role>", "worker | coordinator | admin", parseRole)
      .option("--display-name <text>", "a human-friendly name")
      .option("--description <text>", "what the agent does"),
  ).action(
    async (
      name: string,
      opts: LocalOptions & {
        admin?: boolean;
        role?: Role;
        displayName?: string;
        description?: string;
      },
    ) => {
      const input = {
        name,
        role: opts.role ?? (opts.admin ? ("admin" as const) : undefined),
        display_name: opts.displayName,
        description: opts.description,
      };
      if (useStore(opts)) {
        const { agent } = withStore(opts, (service) => service.create(input));
        return opts.json ? printJson(agent) : showNewKey(agent);
      }
      await run(opts, (c) => c.agents.create(input), showNewKey);
    },
  );

  withLocal(agents.command("list").description("list agents")).action((opts: LocalOptions) => {
    if (useStore(opts)) {
      const list = withStore(opts, (service) => service.list().map((record) => toAgent(record)));
      return opts.json ? printJson(list) : table(list, agentColumns);
    }
    return run(
      opts,
      (c) => c.agents.list(),
      (list) => table(list, agentColumns),
    );
  });

  withCommon(
    agents
      .command("rotate-key")
      .alias("rotate")
      .description("issue a new key for an agent (shown once); the old key fails at once")
      .argument("<id>", "agent id"),
  ).action((id: string, opts: CommonOptions) =>
    run(opts, (c) => c.agents.rotateKey(id), showNewKey),
  );

  withCommon(
    agents
      .command("delete")
      .description("deactivate an agent: its key stops working")
      .argument("<id>", "agent id"),
  ).action((id: string, opts: CommonOptions) =>
    run(
      opts,
      (c) => c.agents.delete(id),
      () => console.log(`Deactivated agent "${id}".`),
    ),
  );

  return agents;
}
