import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";

export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface OctokitOptions {
  /** Minimum spacing between two writes of one installation (GitHub's secondary limits). */
  writeSpacingMs: number;
  /** Waits for rate limits longer than this are not retried: the API answers 503 instead. */
  retryBudgetSeconds: number;
}

/**
 * Probot's Octokit with Baton's write queue: plugin-throttling already queues writes one at a
 * time with spacing and honours `retry-after`; we only set the spacing and bound the waiting so
 * an API call never hangs behind a long rate-limit window.
 */
export function createOctokitClass(options: OctokitOptions): typeof ProbotOctokit {
  const withinBudget = (retryAfter: number, retryCount: number) =>
    retryCount < 2 && retryAfter <= options.retryBudgetSeconds;
  return ProbotOctokit.defaults({
    throttle: {
      enabled: true,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeSpacingMs }),
      onRateLimit: (retryAfter: number, _o: unknown, _k: unknown, retryCount: number) =>
        withinBudget(retryAfter, retryCount),
      onSecondaryRateLimit: (retryAfter: number, _o: unknown, _k: unknown, retryCount: number) =>
        withinBudget(retryAfter, retryCount),
    },
  });
}
