import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";

describe("config", () => {
  it("has sensible defaults", () => {
    const config = loadConfig({});
    expect(config.store.path).toBe("./data/baton.db");
    expect(config.tasks.maxDepth).toBe(5);
    expect(config.github.baseUrl).toBeUndefined();
    expect(config.catchUp.intervalSeconds).toBe(300);
    expect(config.github.timeoutSeconds).toBe(10);
    expect(config.github.writeQueueWaitSeconds).toBe(10);
    expect(config.server.anonRateLimitPerMinute).toBe(120);
  });

  it("reads the GitHub deadline, the write-queue wait and the anonymous rate limit", () => {
    const config = loadConfig({
      BATON_GITHUB_TIMEOUT_S: "2.5",
      BATON_WRITE_QUEUE_WAIT_S: "0",
      BATON_ANON_RATE_LIMIT_PER_MINUTE: "30",
    });
    expect(config.github).toMatchObject({ timeoutSeconds: 2.5, writeQueueWaitSeconds: 0 });
    expect(config.server.anonRateLimitPerMinute).toBe(30);
  });

  it("catches up with GitHub every BATON_CATCHUP_INTERVAL_S seconds (0 = only at start)", () => {
    expect(loadConfig({ BATON_CATCHUP_INTERVAL_S: "0" }).catchUp.intervalSeconds).toBe(0);
    expect(loadConfig({ BATON_CATCHUP_INTERVAL_S: "60" }).catchUp.intervalSeconds).toBe(60);
  });

  it("points at GitHub Enterprise Server (or the double) with GHE_HOST", () => {
    expect(loadConfig({ GHE_HOST: "127.0.0.1:9000", GHE_PROTOCOL: "http" }).github.baseUrl).toBe(
      "http://127.0.0.1:9000/api/v3",
    );
  });

  it.each([
    [{ BATON_MAX_DEPTH: "9" }, /^Invalid BATON_MAX_DEPTH/],
    [{ BATON_MAX_DEPTH: "8" }, /^Invalid BATON_MAX_DEPTH: must be at most 7/],
    [{ PORT: "abc" }, /^Invalid PORT/],
    [{ BATON_CATCHUP_INTERVAL_S: "-1" }, /^Invalid BATON_CATCHUP_INTERVAL_S/],
    [{ BATON_CATCHUP_INTERVAL_S: "90000" }, /^Invalid BATON_CATCHUP_INTERVAL_S: must be at most/],
    [{ BATON_GITHUB_TIMEOUT_S: "0" }, /^Invalid BATON_GITHUB_TIMEOUT_S/],
    [{ BATON_GITHUB_TIMEOUT_S: "soon" }, /^Invalid BATON_GITHUB_TIMEOUT_S/],
    [{ BATON_WRITE_QUEUE_WAIT_S: "-1" }, /^Invalid BATON_WRITE_QUEUE_WAIT_S/],
    [{ BATON_ANON_RATE_LIMIT_PER_MINUTE: "0" }, /^Invalid BATON_ANON_RATE_LIMIT_PER_MINUTE/],
    [{ BATON_REPO: "not a repo" }, /^Invalid BATON_REPO/],
    [{ APP_ID: "1", WEBHOOK_SECRET: "s", PRIVATE_KEY: "k" }, /^Missing BATON_REPO/],
    [{ APP_ID: "1", BATON_REPO: "o/r", PRIVATE_KEY: "k" }, /^Missing WEBHOOK_SECRET/],
  ])("fails with one line naming the variable: %j", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
