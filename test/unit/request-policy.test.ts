import { describe, expect, it } from "vitest";
import { rateLimitWait } from "../../src/github/request-policy.js";

const error = (status: number, headers: Record<string, string>, message = "x") => ({
  status,
  message,
  response: { headers },
});

describe("rate-limit waits", () => {
  it("reads retry-after, the primary reset, and secondary limits", () => {
    expect(rateLimitWait(error(403, { "retry-after": "7" }))).toBe(7);
    const reset = String(Math.floor(Date.now() / 1000) + 30);
    expect(
      rateLimitWait(error(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset })),
    ).toBeGreaterThanOrEqual(29);
    expect(rateLimitWait(error(403, {}, "You have exceeded a secondary rate limit"))).toBe(60);
    expect(rateLimitWait(error(429, {}))).toBe(60);
  });

  it("is undefined for other errors", () => {
    expect(rateLimitWait(error(403, {}, "Resource not accessible by integration"))).toBeUndefined();
    expect(rateLimitWait(error(502, {}))).toBeUndefined();
    expect(rateLimitWait(new Error("boom"))).toBeUndefined();
  });
});
