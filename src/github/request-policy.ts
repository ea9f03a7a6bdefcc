import type { Octokit as CoreOctokit } from "@octokit/core";
import type { EndpointDefaults, OctokitResponse } from "@octokit/types";
import { budgetLeftMs, budgetSeconds } from "../util/request-budget.js";
import { rateLimitWait } from "./map-github-error.js";
import { WriteQueue, type WriteSlots } from "./write-queue.js";

export interface RequestPolicyOptions {
  /** Minimum spacing between two writes (GitHub's secondary limits); content creation gets 3×. */
  writeSpacingMs: number;
  /** Rate-limit waits longer than this are not retried: the API answers 503 instead. */
  retryBudgetSeconds: number;
  /**
   * Deadline of one GitHub request made outside an API request; past it the request is abandoned
   * (a 504 to the caller). Inside an API request its calls share one budget (util/request-budget.ts).
   */
  timeoutSeconds?: number;
  /** Longest wait for a turn in the write queue; past it the write is refused with 503. */
  writeQueueWaitSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Replicas: the installation's write slots, shared through the database. */
  writeSlots?: WriteSlots;
}

type Requested = Required<EndpointDefaults>;
type Send = (options: Requested) => OctokitResponse<unknown> | Promise<OctokitResponse<unknown>>;

const READ_RETRIES = [100, 400];

/** GitHub did not answer in time. A 5xx-like status: a write that timed out may have happened. */
export class GitHubTimeoutError extends Error {
  override name = "GitHubTimeoutError";
  readonly status = 504;
  constructor(seconds: number) {
    super(`GitHub did not answer within ${seconds} s`);
  }
}

/**
 * Baton's write queue, deadlines and retry rules as an Octokit request hook. plugin-throttling and
 * plugin-retry do the same through Bottleneck, which costs ~5 ms per scheduled job (three jobs per
 * request: ~15 ms, measured) — more than the whole latency budget of a task read.
 *
 * - Every request has a deadline (`timeoutSeconds`), so one slow answer cannot hold a client. The
 *   calls of one API request share one: each gets what its request has left, and none is sent
 *   once it is spent (the timeout error at once), so waits and deadlines never stack.
 * - Writes start spaced (see WriteQueue), with a bounded wait for their turn (never past the
 *   request's deadline); reads run freely.
 * - A rate-limited answer (403/429 with retry-after, or a secondary limit) is retried only when the
 *   wait fits the budget: GitHub did not act on it, so a retry is safe for writes too.
 * - Reads are retried on 5xx and network errors, while the request has time; writes never are
 *   (GitHub may have acted).
 */
export function requestPolicy(options: RequestPolicyOptions) {
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  const queue = new WriteQueue({
    spacingMs: options.writeSpacingMs,
    maxWaitMs: (options.writeQueueWaitSeconds ?? 10) * 1000,
    sleep,
    slots: options.writeSlots,
  });

  // Signals this hook set on a request's options, with the caller's own one they include: a retry
  // must find the caller's signal again, not the spent deadline.
  const deadlines = new WeakMap<AbortSignal, AbortSignal | undefined>();
  // The API request's time is up: nothing is sent, and the caller gets the timeout it would have had.
  const checkBudget = () => {
    const left = budgetLeftMs();
    if (left !== undefined && left <= 0)
      throw new GitHubTimeoutError(budgetSeconds() ?? timeoutSeconds);
    return left;
  };
  const withDeadline = async (request: Send, requestOptions: Requested) => {
    const left = checkBudget();
    const seconds = budgetSeconds() ?? timeoutSeconds;
    // A timer cleared when the answer is in, not AbortSignal.timeout: that one builds a WeakRef per
    // request and keeps its timer until it fires (measured: ~0.7 ms of CPU per create).
    const timeout = new AbortController();
    const deadline = timeout.signal;
    const timer = setTimeout(
      () => timeout.abort(new DOMException("The GitHub request timed out", "TimeoutError")),
      Math.ceil(Math.min(timeoutSeconds * 1000, left ?? Infinity)),
    );
    const previous = requestOptions.request?.signal as AbortSignal | undefined;
    const own = previous && deadlines.has(previous) ? deadlines.get(previous) : previous;
    const signal = own ? AbortSignal.any([own, deadline]) : deadline;
    deadlines.set(signal, own);
    // Set in place: inner hooks (the App's auth) are bound to this very options object and
    // ignore a copy passed to them.
    requestOptions.request = { ...requestOptions.request, signal };
    try {
      return await request(requestOptions);
    } catch (error) {
      if (deadline.aborted && !own?.aborted) throw new GitHubTimeoutError(seconds);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };

  return (octokit: CoreOctokit) => {
    octokit.hook.wrap("request", async (request: Send, requestOptions: Requested) => {
      const path = new URL(requestOptions.url, "http://github.invalid").pathname
        .replace(/^\/api\/v3/, "")
        .replace(/^\/api(?=\/graphql)/, "");
      const isWrite =
        requestOptions.method !== "GET" &&
        requestOptions.method !== "HEAD" &&
        !isGraphQLQuery(path, requestOptions);
      for (let attempt = 0; ; attempt++) {
        try {
          return isWrite
            ? await queue.run(path, () => withDeadline(request, requestOptions), checkBudget())
            : await withDeadline(request, requestOptions);
        } catch (error) {
          const wait = rateLimitWait(error);
          const left = budgetLeftMs() ?? Infinity;
          if (wait !== undefined) {
            if (attempt >= 2 || wait > options.retryBudgetSeconds || wait * 1000 >= left)
              throw error;
            await sleep(wait * 1000);
            continue;
          }
          const status = (error as { status?: number }).status ?? 0;
          const transient = (status >= 500 && status !== 504) || status === 0;
          if (isWrite || !transient || attempt >= READ_RETRIES.length) throw error;
          if (READ_RETRIES[attempt]! >= left) throw error;
          await sleep(READ_RETRIES[attempt]!);
        }
      }
    });
    return {};
  };
}

/** A GraphQL read (not a mutation): safe to retry. The document is `query` (or inside `body`). */
export function isGraphQLQuery(
  path: string,
  options: { query?: unknown; body?: unknown },
): boolean {
  if (path !== "/graphql") return false;
  const body = typeof options.body === "string" ? safeParse(options.body) : options.body;
  const document = options.query ?? (body as { query?: unknown } | undefined)?.query;
  return typeof document === "string" && !/^\s*mutation\b/.test(document);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
