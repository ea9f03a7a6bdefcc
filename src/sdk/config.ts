import { BatonConfigError } from "./errors.js";

/** Where a client reaches Baton and as whom. */
export interface ClientConfig {
  /** Base URL including the API prefix, e.g. `https://baton.example.com/v1`. */
  baseUrl: string;
  agentKey: string | undefined;
}

export interface ResolveOptions {
  /** Explicit values (flags) win over the environment, which wins over `fallback` (a saved login). */
  url?: string | undefined;
  agentKey?: string | undefined;
  env?: Record<string, string | undefined>;
  fallback?: { url?: string | undefined; agentKey?: string | undefined };
  /** Allow plain http:// to a host that is not loopback. */
  insecure?: boolean | undefined;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

export const isLoopback = (hostname: string) =>
  LOOPBACK.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);

const pick = (...values: (string | undefined)[]) =>
  values.map((v) => v?.trim()).find((v): v is string => Boolean(v));

/**
 * Reads BATON_URL / BATON_AGENT_KEY, with Delega's DELEGA_API_URL / DELEGA_AGENT_KEY /
 * DELEGA_API_KEY as fallbacks, so a Delega user switches by changing one URL.
 */
export function resolveConfig(options: ResolveOptions = {}): ClientConfig {
  const env = options.env ?? process.env;
  const url = pick(options.url, env.BATON_URL, env.DELEGA_API_URL, options.fallback?.url);
  if (!url) {
    throw new BatonConfigError(
      "No Baton URL: set BATON_URL (or DELEGA_API_URL), pass --url, or run `baton login`",
    );
  }
  return {
    baseUrl: resolveBaseUrl(url, { insecure: options.insecure }),
    agentKey: pick(
      options.agentKey,
      env.BATON_AGENT_KEY,
      env.DELEGA_AGENT_KEY,
      env.DELEGA_API_KEY,
      options.fallback?.agentKey,
    ),
  };
}

/**
 * Delega's base-URL rules: a server root gets `/api` on loopback hosts and `/v1` elsewhere; a URL
 * with a path is used as given. Plain http:// is refused for other hosts (keys would travel in
 * clear) unless `insecure`.
 */
export function resolveBaseUrl(input: string, options: { insecure?: boolean | undefined } = {}) {
  let url: URL;
  try {
    url = new URL(input.includes("://") ? input : `https://${input}`);
  } catch {
    throw new BatonConfigError(`Invalid Baton URL "${input}": expected https://host[/v1]`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new BatonConfigError(`Invalid Baton URL "${input}": use http:// or https://`);
  }
  const loopback = isLoopback(url.hostname);
  if (url.protocol === "http:" && !loopback && !options.insecure) {
    throw new BatonConfigError(
      `Refusing plain http:// to ${url.hostname}: agent keys would travel unencrypted. Use https://, or --insecure if you must`,
    );
  }
  const path = url.pathname.replace(/\/+$/, "");
  const prefix = path || (loopback ? "/api" : "/v1");
  return `${url.origin}${prefix}`;
}

/** The server root (where `/health` lives) for a base URL ending in `/v1` or `/api`. */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/(v1|api)$/, "");
}
