import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";

describe("config", () => {
  it("has sensible defaults", () => {
    const config = loadConfig({});
    expect(config.store.path).toBe("./data/baton.db");
    expect(config.tasks.maxDepth).toBe(5);
    expect(config.github.baseUrl).toBeUndefined();
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
    [{ BATON_REPO: "not a repo" }, /^Invalid BATON_REPO/],
    [{ APP_ID: "1", WEBHOOK_SECRET: "s", PRIVATE_KEY: "k" }, /^Missing BATON_REPO/],
    [{ APP_ID: "1", BATON_REPO: "o/r", PRIVATE_KEY: "k" }, /^Missing WEBHOOK_SECRET/],
  ])("fails with one line naming the variable: %j", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
