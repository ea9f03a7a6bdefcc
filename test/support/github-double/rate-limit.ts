// x-ratelimit-* headers, per resource, with an hourly window like GitHub's.
export type RateResource = "core" | "graphql";

export class RateLimiter {
  private windows = new Map<RateResource, { used: number; reset: number }>();

  constructor(private readonly limit = 5_000) {}

  /** Count a request (unless it is free, e.g. a 304) and return the headers to send. */
  headers(resource: RateResource, counted: boolean): Record<string, string> {
    const nowSec = Math.floor(Date.now() / 1000);
    let window = this.windows.get(resource);
    if (!window || window.reset <= nowSec) {
      window = { used: 0, reset: nowSec + 3600 };
      this.windows.set(resource, window);
    }
    if (counted) window.used++;
    return {
      "x-ratelimit-limit": String(this.limit),
      "x-ratelimit-remaining": String(Math.max(0, this.limit - window.used)),
      "x-ratelimit-reset": String(window.reset),
      "x-ratelimit-used": String(window.used),
      "x-ratelimit-resource": resource,
    };
  }
}
