/**
 * The API requests in flight, so that work nobody waits on lets them go first. GitHub waits up to
 * ten seconds for a webhook's answer; an agent waits on every API call. A webhook that arrives
 * while a request runs waits for the API to go quiet, once, for at most `maxWaitMs` (so a steady
 * stream of requests delays a webhook by that much at worst, never starves it).
 */
export class ApiActivity {
  #inFlight = 0;
  #waiters = new Set<() => void>();
  readonly #maxWaitMs: number;

  constructor(options: { maxWaitMs: number }) {
    this.#maxWaitMs = options.maxWaitMs;
  }

  /** Counts a request until its response is done (finished or its connection closed). */
  track(response: { once(event: "close", listener: () => void): unknown }): void {
    this.#inFlight++;
    response.once("close", () => {
      if (--this.#inFlight > 0) return;
      for (const wake of this.#waiters) wake();
    });
  }

  /** Resolves once no API request is in flight, or after `maxWaitMs`. */
  quiet(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.#maxWaitMs);
      this.#waiters.add(wake);
    });
  }
}
