import { describe, expect, it } from "vitest";
import { rateLimitWait } from "../../src/github/map-github-error.js";
import { isGraphQLQuery } from "../../src/github/request-policy.js";

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

describe("GraphQL reads and writes", () => {
  it("a mutation is a write (never retried), a query a read", () => {
    expect(isGraphQLQuery("/graphql", { query: "mutation Create { createIssue { id } }" })).toBe(
      false,
    );
    expect(isGraphQLQuery("/graphql", { query: "  query Chain { repository { id } }" })).toBe(true);
    expect(
      isGraphQLQuery("/graphql", { body: JSON.stringify({ query: "mutation X { a }" }) }),
    ).toBe(false);
    expect(isGraphQLQuery("/graphql", { body: { query: "{ viewer { login } }" } })).toBe(true);
    expect(isGraphQLQuery("/repos/o/r/issues", { query: "{ x }" })).toBe(false);
  });
});
