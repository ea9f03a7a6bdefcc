/**
 * Retry schedule for deliveries: exponential backoff with jitter. With the defaults (2 s × 2.5ⁿ,
 * capped at 8 h, 14 attempts) the last retry comes about 25 h after the first attempt. Pure.
 */
export interface RetryPolicy {
  baseMs: number;
  factor: number;
  capMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 2_000,
  factor: 2.5,
  capMs: 8 * 3600_000,
  maxAttempts: 14,
};

/** Milliseconds to wait after `failedAttempts` failures, or undefined when none are left. */
export function retryDelay(
  failedAttempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (failedAttempts >= policy.maxAttempts) return undefined;
  const nominal = Math.min(policy.baseMs * policy.factor ** (failedAttempts - 1), policy.capMs);
  // ±25 % so that receivers coming back up are not hit by every sender at the same instant.
  return Math.round(nominal * (0.75 + 0.5 * random()));
}
