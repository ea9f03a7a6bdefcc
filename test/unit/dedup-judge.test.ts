import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DedupService, dedupConfigFromEnv } from "../../src/dedup/index.js";
import { ConfigError } from "../../src/env.js";
import { migrate } from "../../src/store/database.js";
import { DedupStore } from "../../src/store/dedup-store.js";
import { startFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.js";

/** A fake OpenAI-compatible chat server: answers `reply`, records request bodies. */
let reply: string | "hang" | "error" = "same";
let fake: FakeOpenAIServer;
let baseUrl: string;
let requests: FakeOpenAIServer["requests"];

beforeAll(async () => {
  fake = await startFakeOpenAIServer(() => {
    if (reply === "hang") return "hang";
    if (reply === "error") return { status: 500, body: { error: { message: "model not loaded" } } };
    return {
      status: 200,
      body: {
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 0,
        model: "judge-model",
        choices: [
          { index: 0, finish_reason: "stop", message: { role: "assistant", content: reply } },
        ],
      },
    };
  });
  ({ baseUrl, requests } = fake);
});
afterAll(() => fake.close());
afterEach(() => {
  reply = "same";
  requests.length = 0;
});

const OPEN = {
  taskId: 3,
  url: "https://github.com/o/r/issues/3",
  content: "Upgrade Postgres to 16 on the billing cluster",
  description: "",
  projectId: null,
};
// Similar to #3 but not sure: "possible" without a judge (lexical levels).
const NEW = { content: "Upgrade Postgres on the billing database cluster to version 16" };

async function service(judge: "off" | "openai", timeoutMs = 2000): Promise<DedupService> {
  const db = new Database(":memory:");
  migrate(db);
  const config = dedupConfigFromEnv({
    BATON_EMBEDDINGS: "lexical",
    BATON_DEDUP_JUDGE: judge,
    BATON_DEDUP_JUDGE_URL: baseUrl,
    BATON_DEDUP_JUDGE_MODEL: "judge-model",
    BATON_DEDUP_JUDGE_TIMEOUT_MS: String(timeoutMs),
  });
  const dedup = await DedupService.create({ ...config, store: new DedupStore(db) });
  await dedup.syncOpenTasks([
    OPEN,
    { ...OPEN, taskId: 4, content: "Rotate the deploy keys of the CI runners" },
  ]);
  return dedup;
}

const ids = (result: {
  matches: { task_id: number }[];
  possible_duplicates: { task_id: number }[];
}) => ({
  matches: result.matches.map((m) => m.task_id),
  possible: result.possible_duplicates.map((m) => m.task_id),
});

describe("a judge for the possible band (BATON_DEDUP_JUDGE=openai)", () => {
  it("off by default: the possible band stays possible and no server is asked", async () => {
    expect(dedupConfigFromEnv({}).judge).toBeUndefined();
    const result = await (await service("off")).check(NEW);
    expect(ids(result)).toEqual({ matches: [], possible: [3] });
    expect(requests).toEqual([]);
  });

  it("asks the chat server about each possible duplicate only; 'same' makes it a duplicate", async () => {
    const result = await (await service("openai")).check(NEW);
    expect(result.has_duplicates).toBe(true);
    expect(ids(result)).toEqual({ matches: [3], possible: [] });
    expect(requests).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "max_tokens": 5,
            "messages": [
              {
                "content": "You compare two tasks from a team's task queue. Answer with one word:
      "same" if doing one task would complete the other (the same work, however it is worded),
      "different" if they ask for different work (another target, action, period, or one is a step of the other),
      "unsure" if you cannot tell.",
                "role": "system",
              },
              {
                "content": "Open task:
      Upgrade Postgres to 16 on the billing cluster

      New task:
      Upgrade Postgres on the billing database cluster to version 16",
                "role": "user",
              },
            ],
            "model": "judge-model",
            "temperature": 0,
          },
          "path": "/v1/chat/completions",
        },
      ]
    `);
  });

  it("'different' drops the match, 'unsure' keeps it possible", async () => {
    reply = "Different.";
    expect(ids(await (await service("openai")).check(NEW))).toEqual({ matches: [], possible: [] });
    reply = "**unsure**";
    expect(ids(await (await service("openai")).check(NEW))).toEqual({ matches: [], possible: [3] });
  });

  it("a failing, silent or unreadable judge leaves the decision it would have made without one", async () => {
    for (const answer of ["error", "hang", "I think these might be related"] as const) {
      reply = answer;
      const result = await (await service("openai", 300)).check(NEW);
      expect({ answer, ...ids(result) }).toEqual({ answer, matches: [], possible: [3] });
    }
  });

  it("its settings are checked at start: a model and a server are required", () => {
    expect(() => dedupConfigFromEnv({ BATON_DEDUP_JUDGE: "openai" })).toThrow(
      new ConfigError(
        "Missing BATON_DEDUP_JUDGE_MODEL: BATON_DEDUP_JUDGE=openai needs the chat model to ask",
      ),
    );
    expect(() =>
      dedupConfigFromEnv({ BATON_DEDUP_JUDGE: "openai", BATON_DEDUP_JUDGE_MODEL: "m" }),
    ).toThrow(/^Missing BATON_DEDUP_JUDGE_URL/);
    expect(() =>
      dedupConfigFromEnv({
        BATON_DEDUP_JUDGE: "openai",
        BATON_DEDUP_JUDGE_MODEL: "m",
        BATON_DEDUP_JUDGE_URL: "ftp://x",
      }),
    ).toThrow(/^Invalid BATON_DEDUP_JUDGE_URL/);
    expect(() => dedupConfigFromEnv({ BATON_DEDUP_JUDGE: "yes" })).toThrow(
      /^Invalid BATON_DEDUP_JUDGE/,
    );
    expect(
      dedupConfigFromEnv({
        BATON_DEDUP_JUDGE: "openai",
        BATON_DEDUP_JUDGE_MODEL: "m",
        OPENAI_BASE_URL: "http://127.0.0.1:8080/v1",
      }).judge,
    ).toEqual({ kind: "openai", baseUrl: "http://127.0.0.1:8080/v1", model: "m", timeoutMs: 5000 });
  });
});
