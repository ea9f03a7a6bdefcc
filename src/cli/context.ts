import { InvalidArgumentError, type Command } from "commander";
import { BatonClient, BatonConfigError, resolveConfig } from "../sdk/index.js";
import { VERSION } from "../version.js";
import { readSavedLogin } from "./config-file.js";
import { printJson } from "./output.js";

/** Options every API command takes. */
export interface CommonOptions {
  json?: boolean;
  url?: string;
  insecure?: boolean;
}

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export function withCommon(command: Command): Command {
  return command
    .option("--json", "print JSON")
    .option("--url <url>", "Baton server (default: $BATON_URL, $DELEGA_API_URL or `baton login`)")
    .option("--insecure", "allow plain http:// to a host that is not loopback");
}

/** True when a server URL is configured anywhere (flag, environment or saved login). */
export function hasServer(opts: CommonOptions, env = process.env): boolean {
  return Boolean(opts.url || env.BATON_URL || env.DELEGA_API_URL || readSavedLogin());
}

/** The client for a command: flags, then the environment, then the saved login. */
export function connect(opts: CommonOptions, env = process.env): BatonClient {
  const saved = readSavedLogin();
  const fromSaved = !opts.url && !env.BATON_URL?.trim() && !env.DELEGA_API_URL?.trim();
  const config = resolveConfig({
    url: opts.url,
    env,
    fallback: saved && { url: saved.url, agentKey: saved.agent_key },
    insecure: opts.insecure ?? (fromSaved ? saved?.insecure : undefined),
  });
  if (!config.agentKey) {
    throw new BatonConfigError(
      "No agent key: set BATON_AGENT_KEY (or DELEGA_AGENT_KEY), or run `baton login`",
    );
  }
  return new BatonClient({ ...config, userAgent: `baton-cli/${VERSION}`, retry: { retries: 2 } });
}

/** Runs one API command: JSON out with --json, the human rendering otherwise. */
export async function run<T>(
  opts: CommonOptions,
  work: (client: BatonClient) => Promise<T>,
  human: (result: T) => void,
): Promise<void> {
  const result = await work(connect(opts));
  if (opts.json) printJson(result);
  else human(result);
}

export const parseId = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("must be a task id (a positive integer)");
  return Number(value);
};

export const parseIntIn =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };

export const parseNumberIn =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be a number from ${min} to ${max}`);
    return n;
  };

export const parseList = (value: string): string[] =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export const parseJsonObject = (value: string): Record<string, unknown> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError("must be a JSON object");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new InvalidArgumentError("must be a JSON object");
  return parsed as Record<string, unknown>;
};

/** `--kv key=value`, repeatable; values that parse as JSON (numbers, true, null) keep their type. */
export const collectKv = (value: string, previous: Record<string, unknown> = {}) => {
  const at = value.indexOf("=");
  if (at < 1) throw new InvalidArgumentError("must be key=value");
  const raw = value.slice(at + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // a plain string
  }
  return { ...previous, [value.slice(0, at)]: parsed };
};
