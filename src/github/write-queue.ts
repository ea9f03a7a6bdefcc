import { errors } from "../errors.js";

/**
 * Where the next free write slot is kept: in this process, or (several replicas on PostgreSQL)
 * in the database, so every replica draws on the installation's one budget.
 */
export interface WriteSlots {
  /**
   * Takes a slot `spacingMs` wide at the first free moment, unless that is more than `maxWaitMs`
   * away; answers how long until the slot starts (or would have started, when not taken).
   */
  take(spacingMs: number, maxWaitMs: number): { waitMs: number; taken: boolean };
}

/** The slots of one process. */
export function localWriteSlots(now: () => number = () => Date.now()): WriteSlots {
  let nextSlot = 0;
  return {
    take(spacingMs, maxWaitMs) {
      const at = now();
      const start = Math.max(at, nextSlot);
      if (start - at > maxWaitMs) return { waitMs: start - at, taken: false };
      nextSlot = start + spacingMs;
      return { waitMs: start - at, taken: true };
    },
  };
}

export interface WriteQueueOptions {
  /** Minimum spacing between the starts of two writes; content creation gets 3×. */
  spacingMs: number;
  /** A write that would wait longer than this for its turn is refused at once (503). */
  maxWaitMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Default: this process's own (`localWriteSlots`). */
  slots?: WriteSlots;
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
  readonly #options: Required<Omit<WriteQueueOptions, "now">>;

  constructor(options: WriteQueueOptions) {
    this.#options = {
      sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      ...options,
      slots: options.slots ?? localWriteSlots(options.now),
    };
  }

  async run<T>(route: string, write: () => Promise<T>, limitMs = Infinity): Promise<T> {
    const spacing = this.#options.spacingMs * (CONTENT_ROUTES.test(route) ? 3 : 1);
    // Whole milliseconds: the shared slots compare it in SQL.
    const maxWaitMs = Math.floor(Math.min(this.#options.maxWaitMs, limitMs));
    const { waitMs, taken } = this.#options.slots.take(spacing, maxWaitMs);
    if (!taken) {
      throw errors.unavailable(
        "github_busy",
        "Baton's queue of GitHub writes is full; nothing was written, retry after the given delay",
        Math.ceil(waitMs / 1000),
      );
    }
    if (waitMs > 0) await this.#options.sleep(waitMs);
    return write();
  }
}
