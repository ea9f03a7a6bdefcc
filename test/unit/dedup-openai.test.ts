import Database from "better-sqlite3";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/store/database.js";
import { DedupService } from "../../src/dedup/index.js";
import { createOpenAIEmbedder } from "../../src/dedup/embedders/openai-embedder.js";
import { DedupStore } from "../../src/store/dedup-store.js";
import { startFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.js";

/** A fake OpenAI-compatible embeddings server, recording request bodies. */
interface EmbeddingsRequest {
  model: string;
  input: string[];
  encoding_format?: string;
}
let mode: "ok" | "hang" = "ok";
let fake: FakeOpenAIServer;
let baseUrl: string;
const requests: EmbeddingsRequest[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAIServer((raw) => {
    if (mode === "hang") return "hang";
    const body = raw as EmbeddingsRequest;
    requests.push(body);
    const data = body.input.map((text, index) => {
      // Deterministic 8-d vector from the words, so equal texts get equal vectors.
      const vector = new Array<number>(8).fill(0);
      for (const word of text.toLowerCase().match(/\w+/g) ?? []) vector[word.length % 8]! += 1;
      return { object: "embedding", index, embedding: vector };
    });
    return {
      status: 200,
      body: {
        object: "list",
        data,
        model: body.model,
        usage: { prompt_tokens: 1, total_tokens: 1 },
      },
    };
  });
  baseUrl = fake.baseUrl;
});
afterAll(() => fake.close());
afterEach(() => {
  mode = "ok";
  requests.length = 0;
});

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("openai scorer", () => {
  it("sends encoding_format: float and the configured model, and normalises vectors", async () => {
    const embedder = createOpenAIEmbedder({ baseUrl, model: "local-embed" });
    const [vector] = await embedder.embed(["check disk usage"]);
    expect(requests[0]).toMatchObject({
      model: "local-embed",
      input: ["check disk usage"],
      encoding_format: "float",
    });
    expect(Math.hypot(...vector!)).toBeCloseTo(1, 5);
  });

  it("finds a duplicate through an OpenAI-compatible server, embedding only the new task per check", async () => {
    const db = new Database(":memory:");
    migrate(db);
    const dedup = await DedupService.create({
      method: "openai",
      scope: "repo",
      onError: "fail",
      store: new DedupStore(db),
      openai: { baseUrl, model: "m" },
    });
    await dedup.syncOpenTasks([
      { taskId: 7, url: "u7", content: "check disk usage", description: "", projectId: null },
    ]);
    await dedup.whenEmbedded();
    requests.length = 0;
    const result = await dedup.check({ content: "check disk usage" });
    expect(result.matches[0]).toMatchObject({ task_id: 7 });
    expect(requests.map((request) => request.input)).toEqual([["check disk usage"]]);
    db.close();
  });

  it("an unreachable server fails the check with 503 under 'fail' and lets it through under 'allow'", async () => {
    const port = await closedPort();
    for (const onError of ["fail", "allow"] as const) {
      const db = new Database(":memory:");
      migrate(db);
      const dedup = await DedupService.create({
        method: "openai",
        scope: "repo",
        onError,
        store: new DedupStore(db),
        openai: { baseUrl: `http://127.0.0.1:${port}/v1` },
      });
      const outcome = await dedup
        .check({ content: "check disk usage" })
        .catch((error: unknown) => error);
      if (onError === "fail")
        expect(outcome).toMatchObject({ status: 503, code: "dedup_unavailable", retryAfter: 30 });
      else expect(outcome).toEqual({ has_duplicates: false, matches: [], possible_duplicates: [] });
      db.close();
    }
  });

  it("a server that never answers times out instead of hanging the create", async () => {
    mode = "hang";
    const embedder = createOpenAIEmbedder({ baseUrl, timeoutMs: 200 });
    await expect(embedder.embed(["check disk usage"])).rejects.toThrow(/timed out|timeout/i);
  });
});
