import type { Octokit as CoreOctokit } from "@octokit/core";

interface EventAuthOptions {
  type?: string;
  event?: { name?: string; payload?: { action?: string; installation?: { id?: number } } };
}

/** At most this many installations' event clients are kept (Baton serves one repository). */
const MAX_INSTALLATIONS = 16;

/**
 * One event client per installation instead of one per webhook. Probot builds `context.octokit`
 * for every event it receives (a new Octokit with all its plugins: ~0.3 ms of CPU per webhook,
 * measured), though Baton never uses it. The client authenticates per request through the App's
 * token cache, so one per installation serves every event. A suspended or removed installation
 * still gets Probot's own answer (an unauthenticated client).
 */
export function eventOctokitCache(octokit: CoreOctokit) {
  const auth = octokit.auth as (options?: EventAuthOptions) => Promise<unknown>;
  const clients = new Map<number, Promise<unknown>>();
  const cached = (options?: EventAuthOptions): Promise<unknown> => {
    const id = options?.event?.payload?.installation?.id;
    const revoked =
      options?.event?.name === "installation" &&
      ["suspend", "deleted"].includes(String(options.event.payload?.action));
    if (options?.type !== "event-octokit" || id === undefined || revoked) return auth(options);
    let client = clients.get(id);
    if (!client) {
      if (clients.size >= MAX_INSTALLATIONS) clients.delete(clients.keys().next().value!);
      client = auth(options);
      clients.set(id, client);
      client.catch(() => clients.delete(id));
    }
    return client;
  };
  octokit.auth = Object.assign(
    (...args: unknown[]) => cached(args[0] as EventAuthOptions | undefined),
    auth,
  );
  return {};
}
