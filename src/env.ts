import type { z } from "zod";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parses the environment with `schema`, an empty variable counting as unset. Throws a ConfigError
 * whose message is one line naming the first bad variable.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid ${String(issue.path[0] ?? "environment")}: ${issue.message}`);
  }
  return parsed.data;
}
