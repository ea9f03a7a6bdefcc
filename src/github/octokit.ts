import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";

export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface OctokitOptions {
  /** Minimum spacing between two writes of one installation (GitHub's secondary limits). */
  writeSpacingMs: number;
  /** Waits for rate limits longer than this are not retried: the API answers 503 instead. */
  retryBudgetSeconds: number;
}

type ThrottleHandler = (
  retryAfter: number,
  options: unknown,
  octokit: unknown,
  retryCount: number,
) => boolean;

/**
 * Probot's Octokit with Baton's write queue: plugin-throttling already queues writes one at a
 * time per installation with spacing (writes 1 s, content creation 3 s apart by default) and
 * honours `retry-after`; we only set the spacing and bound the waiting so an API call never hangs
 * behind a long rate-limit window.
 */
export function createOctokitClass(options: OctokitOptions): typeof ProbotOctokit {
  const withinBudget: ThrottleHandler = (retryAfter, _options, _octokit, retryCount) =>
    retryCount < 2 && retryAfter <= options.retryBudgetSeconds;
  const write = new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeSpacingMs });
  // Content that notifies people (issues, comments): GitHub asks for more room, ~20/min by default.
  const notifications = new Bottleneck.Group({
    maxConcurrent: 1,
    minTime: options.writeSpacingMs * 3,
  });
  // Probot passes its own `throttle` per instance; merge ours over it (a plain object would be replaced).
  return ProbotOctokit.defaults((instance: { throttle?: Record<string, unknown> }) => ({
    ...instance,
    throttle: {
      ...instance.throttle,
      enabled: true,
      write,
      notifications,
      onRateLimit: withinBudget,
      onSecondaryRateLimit: withinBudget,
    },
  }));
}
