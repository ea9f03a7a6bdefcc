import { Command, InvalidArgumentError } from "commander";
import { RoleSchema, type Role } from "../../agents/agent-schema.js";
import { AgentIdSchema, ProjectRefSchema } from "../../tasks/task-schema.js";
import { z } from "zod";
import {
  hasServer,
  parseList,
  run,
  UsageError,
  withCommon,
  type CommonOptions,
} from "../context.js";
import { agentColumns, printJson, showAgent, showNewKey, table } from "../output.js";

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

/** `--projects`, parsed (wrapped: commander takes a parser's null for "no value"). */
interface ProjectsOption {
  refs: (number | string)[] | null;
}

/** `--projects 12,infra`: project ids or slugs; `all` lifts a restriction (null). */
const parseProjects = (value: string): ProjectsOption => {
  if (value.trim() === "all") return { refs: null };
  const refs = parseList(value);
  const parsed = z
    .array(ProjectRefSchema)
    .min(1)
    .max(100)
    .safeParse(refs.map((ref) => (/^\d+$/.test(ref) ? Number(ref) : ref)));
  if (!parsed.success)
    throw new InvalidArgumentError("must be project ids or slugs, comma-separated, or all");
  return { refs: parsed.data };
};

/** The store keeps ids: on the server's machine, without the API, slugs cannot be looked up. */
function localProjectIds(refs: (number | string)[] | null | undefined) {
  if (refs == null) return refs;
  if (refs.some((ref) => typeof ref !== "number"))
    throw new UsageError("With --db or --local, name projects by id (slugs need the server)");
  return refs as number[];
}

const PROJECTS_HELP =
  "restrict the agent to these projects' open unassigned work (ids or slugs, comma-separated; all = every project)";

/**
 * On the server's machine the store is used directly (that is how the first admin is made):
 * with --db or --local, or when no server is configured. Otherwise the command calls the API.
 */
const useStore = (opts: LocalOptions) => Boolean(opts.db || opts.local || !hasServer(opts));

/** The store's own agents, loaded only when a command works on the store (not for API calls). */
const localAgents = () => import("../local-agents.js");

const withLocal = (command: Command) =>
  withCommon(command)
    .option("--db <path>", "work on this store directly (default: $BATON_DB or ./data/baton.db)")
    .option("--local", "work on the store directly, not the API");

/** The fields both `agents create` and `agents update` set. */
function withAgentFields(command: Command): Command {
  return command
    .option("--role <role>", "worker | coordinator | admin", parseRole)
    .option("--display-name <text>", "a human-friendly name")
    .option("--description <text>", "what the agent does")
    .option("--projects <list>", PROJECTS_HELP, parseProjects);
}

export function agentsCommand(): Command {
  const agents = new Command("agents").description(
    "manage agents (most actions need an admin key)",
  );

  withLocal(
    withAgentFields(
      agents
        .command("create")
        .description("create an agent and print its key (shown once)")
        .argument("<name>", "agent id: a slug such as infra or agent-frontend", parseName)
        .option("--admin", "make it an admin (same as --role admin)"),
    ),
  ).action(
    async (
      name: string,
      opts: LocalOptions & {
        admin?: boolean;
        role?: Role;
        displayName?: string;
        description?: string;
        projects?: ProjectsOption;
      },
    ) => {
      const input = {
        name,
        role: opts.role ?? (opts.admin ? ("admin" as const) : undefined),
        display_name: opts.displayName,
        description: opts.description,
        project_ids: opts.projects?.refs,
      };
      if (useStore(opts)) {
        const project_ids = localProjectIds(opts.projects?.refs);
        const agent = (await localAgents()).createLocalAgent(opts.db, { ...input, project_ids });
        return opts.json ? printJson(agent) : showNewKey(agent);
      }
      await run(opts, (c) => c.agents.create(input), showNewKey);
    },
  );

  withLocal(
    withAgentFields(
      agents
        .command("update")
        .description("change an agent (admin): its role, names or the projects it takes work from")
        .argument("<id>", "agent id"),
    ),
  ).action(
    async (
      id: string,
      opts: LocalOptions & {
        role?: Role;
        displayName?: string;
        description?: string;
        projects?: ProjectsOption;
      },
    ) => {
      const changes = {
        role: opts.role,
        display_name: opts.displayName,
        description: opts.description,
        project_ids: opts.projects?.refs,
      };
      if (useStore(opts)) {
        const project_ids = localProjectIds(opts.projects?.refs);
        const agent = (await localAgents()).updateLocalAgent(opts.db, id, {
          ...changes,
          project_ids,
        });
        return opts.json ? printJson(agent) : showAgent(agent);
      }
      await run(opts, (c) => c.agents.update(id, changes), showAgent);
    },
  );

  withLocal(agents.command("list").description("list agents")).action(
    async (opts: LocalOptions) => {
      if (useStore(opts)) {
        const list = (await localAgents()).listLocalAgents(opts.db);
        return opts.json ? printJson(list) : table(list, agentColumns);
      }
      return run(
        opts,
        (c) => c.agents.list(),
        (list) => table(list, agentColumns),
      );
    },
  );

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
