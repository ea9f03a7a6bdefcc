import { describe, expect, it } from "vitest";
import { dedupConfigFromEnv, DEFAULT_METHOD } from "../../src/dedup/index.js";

describe("dedupConfigFromEnv", () => {
  it("defaults to the best offline method, repo scope and fail-closed", () => {
    expect(dedupConfigFromEnv({})).toEqual({
      method: DEFAULT_METHOD,
      threshold: undefined,
      scope: "repo",
      onError: "fail",
      openai: undefined,
    });
  });

  it("reads every variable", () => {
    const config = dedupConfigFromEnv({
      BATON_EMBEDDINGS: "lexical+openai",
      BATON_DEDUP_THRESHOLD: "0.42",
      BATON_DEDUP_SCOPE: "project",
      BATON_DEDUP_ON_ERROR: "allow",
      OPENAI_BASE_URL: "http://127.0.0.1:8080/v1",
      BATON_EMBEDDING_MODEL: "nomic-embed-text",
    });
    expect(config).toEqual({
      method: "lexical+openai",
      threshold: 0.42,
      scope: "project",
      onError: "allow",
      openai: { apiKey: undefined, baseUrl: "http://127.0.0.1:8080/v1", model: "nomic-embed-text" },
    });
  });

  it.each([
    [{ BATON_EMBEDDINGS: "bert" }, /^Invalid BATON_EMBEDDINGS: /],
    [{ BATON_DEDUP_THRESHOLD: "1.5" }, /^Invalid BATON_DEDUP_THRESHOLD: /],
    [{ BATON_DEDUP_SCOPE: "org" }, /^Invalid BATON_DEDUP_SCOPE: /],
    [{ BATON_DEDUP_ON_ERROR: "retry" }, /^Invalid BATON_DEDUP_ON_ERROR: /],
    [{ BATON_EMBEDDINGS: "openai", OPENAI_BASE_URL: "not a url" }, /^Invalid OPENAI_BASE_URL: /],
    [{ BATON_EMBEDDINGS: "openai" }, /^Missing OPENAI_API_KEY: /],
  ])("rejects %o with a one-line message naming the variable", (env, message) => {
    expect(() => dedupConfigFromEnv(env)).toThrow(message);
  });
});
