import { errors } from "../errors.js";

export interface WriteQueueOptions {
  /** Minimum spacing between the starts of two writes; content creation gets 3×. */
  spacingMs: number;
  /** A write that would wait longer than this for its turn is refused at once (503). */
  maxWaitMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const CONTENT_ROUTES = /\/(issues|comments|sub_issues)(\/|$)|^\/graphql$/;

/**
 * Spaces GitHub writes (its secondary limits) by their start times: a write takes the next free
 * slot and waits for it, while the writes before it may still be running. So a slow answer holds
 * nobody else up, and the wait is bounded: past `maxWaitMs` (or the `limitMs` its request has left)
 * the write is not queued at all and the caller gets 503 with the wait as Retry-After, with nothing
 * sent to GitHub.
 */
export class WriteQueue {
  readonly #options: Required<WriteQueueOptions>;
  #nextSlot = 0;

  constructor(options: WriteQueueOptions) {
    this.#options = {
      now: () => Date.now(),
      sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      ...options,
    };
  }

  async run<T>(route: string, write: () => Promise<T>, limitMs = Infinity): Promise<T> {
    const now = this.#options.now();
    const start = Math.max(now, this.#nextSlot);
    const wait = start - now;
    if (wait > Math.min(this.#options.maxWaitMs, limitMs)) {
      throw errors.unavailable(
        "github_busy",
        "Baton's queue of GitHub writes is full; nothing was written, retry after the given delay",
        Math.ceil(wait / 1000),
      );
    }
    const spacing = this.#options.spacingMs * (CONTENT_ROUTES.test(route) ? 3 : 1);
    this.#nextSlot = start + spacing;
    if (wait > 0) await this.#options.sleep(wait);
    return write();
  }
}
