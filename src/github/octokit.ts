import { ProbotOctokit } from "probot";
import { eventOctokitCache } from "./event-octokit-cache.js";
import { nativeJson } from "./native-json.js";
import { requestFetch } from "./request-fetch.js";
import { requestPolicy, type RequestPolicyOptions } from "./request-policy.js";

export type Octokit = InstanceType<typeof ProbotOctokit>;
export type OctokitOptions = RequestPolicyOptions;

/**
 * Probot's Octokit with Baton's request policy (write queue, bounded rate-limit waits, read
 * retries) in place of plugin-throttling and plugin-retry; see request-policy.ts for why.
 * Requests go through undici's `request` (see request-fetch.ts), success bodies are parsed
 * natively (see native-json.ts); webhooks share one event client per installation (see
 * event-octokit-cache.ts).
 * Baton serves one repository, so one process has one installation and one write queue.
 */
export function createOctokitClass(options: OctokitOptions): typeof ProbotOctokit {
  const githubFetch = requestFetch();
  return ProbotOctokit.plugin(nativeJson, requestPolicy(options), eventOctokitCache).defaults(
    (instance: Record<string, unknown>) => ({
      ...instance,
      request: {
        ...(instance.request as { fetch?: typeof fetch } | undefined),
        fetch: (instance.request as { fetch?: typeof fetch } | undefined)?.fetch ?? githubFetch,
      },
      throttle: { ...(instance.throttle as object | undefined), enabled: false },
      retry: { enabled: false },
    }),
  ) as typeof ProbotOctokit;
}
