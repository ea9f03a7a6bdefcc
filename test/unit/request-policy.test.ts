import { describe, expect, it } from "vitest";
import { rateLimitWait } from "../../src/github/map-github-error.js";
import {
  GitHubTimeoutError,
  isGraphQLQuery,
  requestPolicy,
} from "../../src/github/request-policy.js";
import { WriteQueue } from "../../src/github/write-queue.js";
import { withRequestBudget } from "../../src/util/request-budget.js";

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

describe("the write queue", () => {
  const clock = () => {
    // Time stands still: every write below is queued at the same instant.
    const slept: number[] = [];
    return { now: () => 0, sleep: async (ms: number) => void slept.push(ms), slept };
  };

  it("spaces writes by their starts, so a slow write holds nobody up", async () => {
    const c = clock();
    const queue = new WriteQueue({
      spacingMs: 1000,
      maxWaitMs: 10_000,
      now: c.now,
      sleep: c.sleep,
    });
    let answer!: () => void;
    const slow = queue.run("/repos/o/r/labels", () => new Promise<void>((r) => (answer = r)));
    // The next write starts one spacing after the slow one started, not after it ends.
    await queue.run("/repos/o/r/labels", async () => undefined);
    expect(c.slept).toEqual([1000]);
    answer();
    await slow;
  });

  it("refuses at once, with the wait as Retry-After, a write that would wait past the bound", async () => {
    const c = clock();
    const queue = new WriteQueue({ spacingMs: 1000, maxWaitMs: 5000, now: c.now, sleep: c.sleep });
    const started: number[] = [];
    const writes = Array.from({ length: 3 }, (_, i) =>
      queue.run("/repos/o/r/issues", async () => void started.push(i)),
    );
    // Content creation is spaced 3 s: the third write would wait 6 s.
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected"]);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({
      status: 503,
      code: "github_busy",
      retryAfter: 6,
    });
    expect(started).toEqual([0, 1]);
  });
});

describe("the deadline", () => {
  it("abandons a request GitHub does not answer in time, as a 504", async () => {
    const hooks: ((request: never, options: never) => Promise<unknown>)[] = [];
    const fake = { hook: { wrap: (_: string, fn: never) => void hooks.push(fn) } };
    requestPolicy({ writeSpacingMs: 0, retryBudgetSeconds: 0, timeoutSeconds: 1 })(fake as never);
    const hanging = (options: { request: { signal: AbortSignal } }) =>
      new Promise((_, reject) =>
        options.request.signal.addEventListener("abort", () =>
          reject(Object.assign(new Error("aborted"), { name: "AbortError", status: 500 })),
        ),
      );
    const call = hooks[0]!(hanging as never, { method: "GET", url: "/repos/o/r/issues" } as never);
    await expect(call).rejects.toBeInstanceOf(GitHubTimeoutError);
    await expect(call).rejects.toMatchObject({ status: 504 });
  });

  /** The policy's hook around a fake transport that records what was sent. */
  function policy(options: Parameters<typeof requestPolicy>[0]) {
    const hooks: ((request: never, options: never) => Promise<unknown>)[] = [];
    const fake = { hook: { wrap: (_: string, fn: never) => void hooks.push(fn) } };
    requestPolicy(options)(fake as never);
    const sent: string[] = [];
    const send = async (o: { method: string; url: string }) => {
      sent.push(`${o.method} ${o.url}`);
      return { status: 200, data: {}, headers: {} };
    };
    const call = (method: string, url: string) =>
      hooks[0]!(send as never, { method, url } as never);
    return { call, sent };
  }

  it("the calls of one API request share its deadline: once it is spent, nothing is sent", async () => {
    const p = policy({ writeSpacingMs: 0, retryBudgetSeconds: 0, timeoutSeconds: 10 });
    // A request that arrived 4 s ago with a 3 s budget (an earlier call used it up).
    const late = (method: string, url: string) =>
      withRequestBudget(3, performance.now() - 4000, () => p.call(method, url));
    await expect(late("GET", "/repos/o/r/issues")).rejects.toBeInstanceOf(GitHubTimeoutError);
    await expect(late("POST", "/repos/o/r/issues")).rejects.toMatchObject({
      status: 504,
      message: "GitHub did not answer within 3 s",
    });
    expect(p.sent).toEqual([]);
    // Outside a request (webhooks, catch-up), a call has its own deadline.
    await p.call("GET", "/repos/o/r/issues");
    expect(p.sent).toEqual(["GET /repos/o/r/issues"]);
  });

  it("a write never waits in the queue past its request's deadline: 503 at once, nothing sent", async () => {
    const slept: number[] = [];
    const p = policy({
      writeSpacingMs: 10_000,
      retryBudgetSeconds: 0,
      writeQueueWaitSeconds: 300,
      sleep: async (ms) => void slept.push(ms),
    });
    await p.call("POST", "/repos/o/r/issues");
    // The next create's turn is 30 s away: within the queue's bound, not within a 3 s request.
    const queued = withRequestBudget(3, performance.now(), () =>
      p.call("POST", "/repos/o/r/issues"),
    );
    await expect(queued).rejects.toMatchObject({ status: 503, code: "github_busy" });
    expect(slept).toEqual([]);
    expect(p.sent).toEqual(["POST /repos/o/r/issues"]);
  });
});
