import { Command } from "commander";
import { BatonClient, isBatonApiError, resolveConfig, type Agent } from "../../sdk/index.js";
import { VERSION } from "../../version.js";
import { configPath, writeSavedLogin } from "../config-file.js";
import { run, UsageError, withCommon, type CommonOptions } from "../context.js";
import { details, printJson } from "../output.js";

/** Reads the key from a pipe, or asks for it on a terminal without echoing it. */
async function readKey(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = "";
    for await (const chunk of stdin) text += String(chunk);
    return text.trim();
  }
  process.stderr.write("Agent key: ");
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let key = "";
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString("utf8")) {
        if (char === "\r" || char === "\n") return done(key.trim());
        if (char === "\u0003") return done(undefined);
        if (char === "\u007f") key = key.slice(0, -1);
        else key += char;
      }
    };
    const done = (value: string | undefined) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if (value === undefined) reject(new UsageError("Cancelled"));
      else resolve(value);
    };
    stdin.on("data", onData);
  });
}

/** Delega's login check: `GET /agent/me`, or on an older server `GET /tasks?completed=true`. */
async function whoIs(client: BatonClient): Promise<Agent | undefined> {
  try {
    return await client.me();
  } catch (error) {
    if (!isBatonApiError(error) || error.status !== 404) throw error;
    await client.tasks.list({ completed: true, limit: 1 });
    return undefined;
  }
}

export function sessionCommands(): Command[] {
  const login = withCommon(
    new Command("login")
      .description("check a server URL and agent key, and save them for later commands (mode 0600)")
      .option(
        "--key <key>",
        "agent key (default: $BATON_AGENT_KEY, else read from stdin or asked)",
      ),
  ).action(async (opts: CommonOptions & { key?: string }) => {
    const env = process.env;
    const envKey = env.BATON_AGENT_KEY ?? env.DELEGA_AGENT_KEY ?? env.DELEGA_API_KEY;
    const key = opts.key ?? envKey ?? (await readKey());
    if (!key) throw new UsageError("No agent key given");
    const config = resolveConfig({ url: opts.url, agentKey: key, env, insecure: opts.insecure });
    const client = new BatonClient({ ...config, userAgent: `baton-cli/${VERSION}` });
    const agent = await whoIs(client);
    const path = configPath();
    writeSavedLogin({
      url: config.baseUrl,
      agent_key: key,
      ...(opts.insecure ? { insecure: true } : {}),
    });
    if (opts.json) printJson({ url: config.baseUrl, agent: agent ?? null, config_path: path });
    else
      console.log(
        `Logged in to ${config.baseUrl}${agent ? ` as ${agent.id} (${agent.role})` : ""}. Saved to ${path}`,
      );
  });

  const whoami = withCommon(
    new Command("whoami").description("the agent your key belongs to"),
  ).action((opts: CommonOptions) =>
    run(
      opts,
      (c) => c.me(),
      (agent) =>
        details([
          ["id", agent.id],
          ["name", agent.display_name],
          ["role", agent.role],
          ["permissions", agent.permissions.join(", ")],
          ["key", `${agent.key_prefix}…`],
        ]),
    ),
  );

  const status = withCommon(
    new Command("status").description("server health, who you are and your task counts"),
  ).action((opts: CommonOptions) =>
    run(
      opts,
      async (c) => {
        const health = await c.health();
        const [agent, stats] = await Promise.all([c.me(), c.stats()]);
        return { url: c.baseUrl, health, agent, stats };
      },
      ({ url, health, agent, stats }) =>
        details([
          ["server", `${url} (${health.status}${health.version ? `, v${health.version}` : ""})`],
          ["agent", `${agent.id} (${agent.role})`],
          ["open tasks", stats.open_tasks],
          ["overdue", stats.overdue],
          ["due today", stats.due_today],
          ["completed", stats.total_completed],
        ]),
    ),
  );

  const stats = withCommon(
    new Command("stats").description("task counts over what you may see"),
  ).action((opts: CommonOptions) =>
    run(
      opts,
      (c) => c.stats(),
      (s) => {
        details([
          ["total", s.total_tasks],
          ["open", s.open_tasks],
          ["completed", s.total_completed],
          ["completed today", s.completed_today],
          ["due today", s.due_today],
          ["overdue", s.overdue],
          ["upcoming (7 days)", s.upcoming],
          [
            "by status",
            Object.entries(s.by_status)
              .map(([k, v]) => `${k} ${v}`)
              .join(", "),
          ],
        ]);
      },
    ),
  );

  return [login, whoami, status, stats];
}
