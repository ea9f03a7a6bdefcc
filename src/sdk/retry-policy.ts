/** When and how long to wait before trying a request again. Pure. */
export interface RetryOptions {
  /** Further attempts after the first (default 3). */
  retries: number;
  /** First backoff in ms, doubled each attempt, with full jitter (default 250). */
  baseDelayMs: number;
  /** Never wait longer than this for one retry, even if Retry-After asks (default 10 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 3, baseDelayMs: 250, maxDelayMs: 10_000 };

const READ_RETRY_STATUSES = new Set([0, 429, 502, 503, 504]);
/** A write is only retried when the server did nothing (throttled, unavailable, key in flight) or
 * no answer came at all; its Idempotency-Key makes the replay safe. */
const WRITE_RETRY_STATUSES = new Set([0, 429, 503]);

export function shouldRetry(method: string, status: number, code: string): boolean {
  if (method === "GET" || method === "HEAD") return READ_RETRY_STATUSES.has(status);
  if (status === 409 && code === "idempotency_in_progress") return true;
  return WRITE_RETRY_STATUSES.has(status) && code !== "timeout";
}

/**
 * The wait before attempt `attempt` (1-based), or `undefined` to give up: out of attempts, or the
 * server asks for a longer pause than `maxDelayMs` (the caller sees `retryAfter` and decides).
 */
export function retryDelay(
  attempt: number,
  retryAfterSeconds: number | undefined,
  options: RetryOptions,
  random: () => number = Math.random,
): number | undefined {
  if (attempt > options.retries) return undefined;
  if (retryAfterSeconds !== undefined) {
    const ms = retryAfterSeconds * 1000;
    return ms > options.maxDelayMs ? undefined : ms;
  }
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
