import { describe, expect, it } from "vitest";
import { retryDelay, shouldRetry } from "../../src/sdk/retry-policy.js";

const options = { retries: 3, baseDelayMs: 100, maxDelayMs: 10_000 };

describe("SDK retry policy", () => {
  it("waits what Retry-After says, and gives up when that is longer than it may wait", () => {
    expect(retryDelay(1, 2, options)).toBe(2000);
    expect(retryDelay(1, 0, options)).toBe(0);
    expect(retryDelay(1, 11, options)).toBeUndefined();
  });

  it("without Retry-After: jittered exponential backoff, capped, and a limited number of tries", () => {
    expect(retryDelay(1, undefined, options, () => 0)).toBe(50);
    expect(retryDelay(1, undefined, options, () => 1)).toBe(100);
    expect(retryDelay(3, undefined, options, () => 1)).toBe(400);
    expect(retryDelay(3, undefined, { ...options, maxDelayMs: 300 }, () => 1)).toBe(300);
    expect(retryDelay(4, undefined, options)).toBeUndefined();
  });

  it("retries reads on 429/503/502, writes only where the server cannot have acted", () => {
    expect(shouldRetry("GET", 502, "")).toBe(true);
    expect(shouldRetry("POST", 502, "")).toBe(false);
    expect(shouldRetry("POST", 503, "")).toBe(true);
    expect(shouldRetry("POST", 422, "validation_error")).toBe(false);
  });
});
