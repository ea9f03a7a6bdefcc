import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { migrate } from "../../src/store/database.js";
import {
  DedupService,
  type DedupDocument,
  type DedupMatch,
  type DedupResult,
  type Embedder,
} from "../../src/dedup/index.js";
import { BatonError } from "../../src/errors.js";
import { DedupStore } from "../../src/store/dedup-store.js";

/** Every similar open task, sure or possible, best first. */
const similar = (result: DedupResult): DedupMatch[] =>
  [...result.matches, ...result.possible_duplicates].sort((a, b) => b.score - a.score);

/** A deterministic bag-of-words embedder that counts how many texts it embedded. */
function countingEmbedder(): Embedder & { calls: number; texts: number; down: boolean } {
  const vocabulary = new Map<string, number>();
  const state = {
    model: "test-bow",
    calls: 0,
    texts: 0,
    down: false,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      if (state.down) throw new Error("connect ECONNREFUSED");
      state.calls++;
      state.texts += texts.length;
      return texts.map((text) => {
        const vector = new Float32Array(64);
        for (const word of text.toLowerCase().match(/\w+/g) ?? []) {
          if (!vocabulary.has(word)) vocabulary.set(word, vocabulary.size % 64);
          vector[vocabulary.get(word)!]! += 1;
        }
        const norm = Math.hypot(...vector) || 1;
        return vector.map((value) => value / norm);
      });
    },
  };
  return state;
}

/** A counting embedder whose answers for the texts `held` picks wait until `release()`. */
function heldEmbedder(held: (texts: readonly string[]) => boolean) {
  const inner = countingEmbedder();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const embedder: Embedder = {
    model: inner.model,
    embed: async (texts) => {
      if (held(texts)) await gate;
      return inner.embed(texts);
    },
  };
  return { inner, embedder, release };
}

const doc = (
  taskId: number,
  content: string,
  projectId: string | null = null,
  description = "",
): DedupDocument => ({
  taskId,
  url: `https://github.com/o/r/issues/${taskId}`,
  content,
  description,
  projectId,
});

const OPEN = [
  doc(1, "Check disk usage on the build server"),
  doc(2, "Rotate the TLS certificates for the public API"),
  doc(3, "Write the onboarding guide for new agents", "docs"),
  doc(4, "Investigate flaky integration tests in the payments service", "payments"),
];

let db: Database.Database;
afterEach(() => db?.close());

/** A service of `method` over the OPEN tasks, every vector embedded. */
async function indexed(method: string) {
  const embedder = countingEmbedder();
  const dedup = await service(method, embedder);
  await dedup.syncOpenTasks(OPEN);
  await dedup.whenEmbedded();
  return { embedder, dedup };
}

async function service(
  method = "lexical",
  embedder?: Embedder,
  onError: "fail" | "allow" = "fail",
  scope: "repo" | "project" = "repo",
) {
  db = new Database(":memory:");
  migrate(db);
  return DedupService.create({ method, scope, onError, store: new DedupStore(db), embedder });
}

/** A new lexical service over the last service's store, as after a restart. */
const restarted = () =>
  DedupService.create({
    method: "lexical",
    scope: "repo",
    onError: "fail",
    store: new DedupStore(db),
  });

describe("DedupService (default lexical method)", () => {
  it("flags a close paraphrase and not an unrelated task, best first and with url/content", async () => {
    const dedup = await service();
    await dedup.syncOpenTasks(OPEN);
    const result = await dedup.check({ content: "check the disk usage of the build server" });
    expect(result.has_duplicates).toBe(true);
    expect(result.matches[0]).toMatchObject({
      task_id: 1,
      url: "https://github.com/o/r/issues/1",
      content: "Check disk usage on the build server",
    });
    expect(result.matches[0]!.score).toBeGreaterThanOrEqual(dedup.threshold);
    expect((await dedup.check({ content: "Order pizza for the team lunch" })).has_duplicates).toBe(
      false,
    );
  });

  it("returns at most five matches, best first, all at or above the threshold", async () => {
    const dedup = await service();
    // Eight tasks sharing less and less of the query's words: distinct scores, one clear order.
    const words = ["check", "disk", "usage", "build", "server", "nightly", "backup", "volume"];
    await dedup.syncOpenTasks(
      Array.from({ length: 8 }, (_, i) =>
        doc(
          i + 1,
          `${words.slice(0, 8 - i).join(" ")} ${["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"][i]}`,
        ),
      ),
    );
    const threshold = 0.01;
    const result = await dedup.check(
      { content: "Check disk usage build server nightly backup volume" },
      { threshold },
    );
    expect(result.matches).toHaveLength(5);
    const scores = result.matches.map((match) => match.score);
    expect(new Set(scores).size).toBe(5);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(result.matches[0]!.task_id).toBe(1);
    for (const score of scores) expect(score).toBeGreaterThanOrEqual(threshold);
  });

  it("closed (removed) tasks never match, reopened (upserted) ones do again", async () => {
    const dedup = await service();
    await dedup.syncOpenTasks(OPEN);
    dedup.remove(1);
    expect(
      (await dedup.check({ content: "Check disk usage on the build server" })).has_duplicates,
    ).toBe(false);
    await dedup.upsert(OPEN[0]!);
    expect(
      (await dedup.check({ content: "Check disk usage on the build server" })).matches[0]?.task_id,
    ).toBe(1);
  });

  it("an edit is seen by the next check", async () => {
    const dedup = await service();
    await dedup.syncOpenTasks(OPEN);
    await dedup.upsert(doc(1, "Renew the domain name before it expires"));
    expect(
      (await dedup.check({ content: "Check disk usage on the build server" })).has_duplicates,
    ).toBe(false);
    expect(
      similar(await dedup.check({ content: "renew the domain name before expiry" }))[0]?.task_id,
    ).toBe(1);
  });

  it("honours the visible filter", async () => {
    const dedup = await service();
    await dedup.syncOpenTasks(OPEN);
    const result = await dedup.check(
      { content: "Check disk usage on the build server" },
      { visible: (id) => id !== 1 },
    );
    expect(result.has_duplicates).toBe(false);
  });

  it("with project scope compares only tasks of the same project", async () => {
    const dedup = await service("lexical", undefined, "fail", "project");
    await dedup.syncOpenTasks(OPEN);
    const text = "Investigate flaky integration tests in the payments service";
    expect((await dedup.check({ content: text, projectId: "docs" })).has_duplicates).toBe(false);
    expect((await dedup.check({ content: text, projectId: "payments" })).matches[0]?.task_id).toBe(
      4,
    );
  });

  it("ranks a task whose title names the work above one that only mentions it in its body", async () => {
    const dedup = await service();
    await dedup.syncOpenTasks([
      doc(
        1,
        "Update the deploy runbook",
        null,
        "Add the steps: rotate TLS certificates, restart nginx",
      ),
      doc(2, "Rotate TLS certificates", null, "They expire at the end of the month"),
    ]);
    const result = await dedup.check(
      { content: "Rotate the TLS certificates", description: "Runbook steps for nginx" },
      { threshold: 0.01 },
    );
    // Task 1 names another action (update a runbook, not rotate): the frame rules it out.
    expect(similar(result).map((match) => match.task_id)).toEqual([2]);
  });

  it("tells tasks apart by the error code in their bodies", async () => {
    const dedup = await service();
    await dedup.syncOpenTasks([
      doc(1, "Large uploads fail", null, "The upload endpoint answers 502"),
      doc(2, "Large uploads fail", null, "The upload endpoint answers 413"),
    ]);
    const result = await dedup.check({
      content: "Large uploads fail",
      description: "upload endpoint returns 413",
    });
    expect(similar(result)[0]?.task_id).toBe(2);
    expect(similar(result)[0]!.score).toBeGreaterThan(similar(result)[1]?.score ?? 0);
  });

  it("a shared number alone is no evidence, however rare it is", async () => {
    const dedup = await service();
    // Many "Latency sample N" tasks make those words common; "11" appears once.
    const samples = Array.from({ length: 10 }, (_, i) => doc(100 + i, `Latency sample ${i}`));
    await dedup.syncOpenTasks([...OPEN, ...samples, doc(11, "Direct 11", null, "x".repeat(400))]);
    const result = await dedup.check({ content: "Latency sample 11" }, { threshold: 0.01 });
    expect(result.matches.map((match) => match.task_id)).not.toContain(11);
  });

  it("reloads the index from the store at start, without the caller re-sending tasks", async () => {
    const first = await service();
    await first.syncOpenTasks(OPEN);
    const again = await restarted();
    expect(again.size).toBe(4);
    expect(
      (await again.check({ content: "Rotate TLS certificates for the public API" })).matches[0]
        ?.task_id,
    ).toBe(2);
  });

  it("a create in flight (negative id) matches at once but is never stored: a restart forgets it", async () => {
    const first = await service();
    await first.syncOpenTasks(OPEN);
    await first.upsert(doc(-1, "Rebuild the search index for the docs site"));
    expect((await first.check({ content: "Rebuild the docs site search index" })).matches).toEqual([
      expect.objectContaining({ task_id: -1 }),
    ]);
    const again = await restarted();
    expect(again.size).toBe(4);
    expect((await again.check({ content: "Rebuild the docs site search index" })).matches).toEqual(
      [],
    );
  });

  it("syncOpenTasks drops tasks that are no longer open", async () => {
    const dedup = await service();
    await dedup.syncOpenTasks(OPEN);
    await dedup.syncOpenTasks(OPEN.slice(1));
    expect(dedup.size).toBe(3);
    expect(
      (await dedup.check({ content: "Check disk usage on the build server" })).has_duplicates,
    ).toBe(false);
  });
});

describe("DedupService vector cache (dense method)", () => {
  it("embeds each open task once; the same content is not re-embedded, changed content is", async () => {
    const { embedder, dedup } = await indexed("local");
    expect(embedder.texts).toBe(4);
    await dedup.upsert(OPEN[0]!);
    await dedup.upsert({ ...OPEN[1]!, url: "https://github.com/o/r/issues/2#moved" });
    await dedup.whenEmbedded();
    expect(embedder.texts).toBe(4);
    await dedup.upsert(doc(1, "Check memory usage on the build server"));
    await dedup.whenEmbedded();
    expect(embedder.texts).toBe(5);
    // A check embeds only the new task, and creating it then reuses that embedding.
    await dedup.check({ content: "Check disk usage" });
    expect(embedder.texts).toBe(6);
    await dedup.upsert(doc(9, "Check disk usage"));
    await dedup.whenEmbedded();
    expect(embedder.texts).toBe(6);
    expect((await dedup.check({ content: "Check disk usage" })).matches[0]?.task_id).toBe(9);
  });

  it("syncOpenTasks at start embeds only tasks whose vectors are missing from the store", async () => {
    const embedder = countingEmbedder();
    const first = await service("local", embedder);
    await first.syncOpenTasks(OPEN.slice(0, 3));
    await first.whenEmbedded();
    expect(embedder.texts).toBe(3);
    const restarted = await DedupService.create({
      method: "local",
      scope: "repo",
      onError: "fail",
      store: new DedupStore(db),
      embedder,
    });
    await restarted.syncOpenTasks(OPEN);
    await restarted.whenEmbedded();
    expect(embedder.texts).toBe(4);
  });

  it("removed tasks are excluded", async () => {
    const embedder = countingEmbedder();
    const dedup = await service("local", embedder);
    await dedup.syncOpenTasks(OPEN);
    expect(
      (await dedup.check({ content: "Check disk usage on the build server" })).matches[0]?.task_id,
    ).toBe(1);
    dedup.remove(1);
    expect(
      (await dedup.check({ content: "Check disk usage on the build server" })).matches.map(
        (m) => m.task_id,
      ),
    ).not.toContain(1);
  });

  it("when the embedder is down: 503 dedup_unavailable with Retry-After under 'fail', no matches under 'allow'", async () => {
    const embedder = countingEmbedder();
    const failing = await service("local", embedder, "fail");
    await failing.syncOpenTasks(OPEN);
    embedder.down = true;
    const error = await failing
      .check({ content: "Check disk usage" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BatonError);
    expect(error).toMatchObject({ status: 503, code: "dedup_unavailable", retryAfter: 30 });

    db.close();
    const allowing = await service("local", embedder, "allow");
    expect(await allowing.check({ content: "Check disk usage" })).toEqual({
      has_duplicates: false,
      matches: [],
      possible_duplicates: [],
    });
  });
});

describe("lexical+local: the embedding re-ranks what the lexical score leaves open", () => {
  it("asks the embedder only when a lexical score could reach the threshold", async () => {
    const { embedder, dedup } = await indexed("lexical+local");
    const before = embedder.texts;
    const unrelated = await dedup.check({ content: "Plan the team offsite for March" });
    expect(unrelated).toEqual({ has_duplicates: false, matches: [], possible_duplicates: [] });
    expect(embedder.texts).toBe(before);

    const near = await dedup.check({ content: "Check disk usage on the build server" });
    expect(near.matches[0]?.task_id).toBe(1);
    expect(embedder.texts).toBe(before + 1);

    // With the embedder down, a task nothing resembles is still answered; a near one is not.
    embedder.down = true;
    expect((await dedup.check({ content: "Plan the team offsite for March" })).has_duplicates).toBe(
      false,
    );
    await expect(
      dedup.check({ content: "Check the disk usage on the build server" }),
    ).rejects.toMatchObject({ status: 503, code: "dedup_unavailable" });
  });

  it("indexing a new task does not wait for its embedding; the next check that needs it does", async () => {
    const { inner, embedder, release } = heldEmbedder(() => true);
    const dedup = await service("lexical+local", embedder);
    await dedup.upsert(doc(1, "Check disk usage on the build server"));
    expect(inner.texts).toBe(0);
    const check = dedup.check({ content: "Check disk usage on the build server host" });
    release();
    expect((await check).matches[0]?.task_id).toBe(1);
    await dedup.whenEmbedded();
    expect(inner.texts).toBe(2);
  });

  it("a check waits only for the vectors that can change its answer", async () => {
    const { embedder, release } = heldEmbedder((texts) =>
      texts.some((text) => text.includes("quarterly")),
    );
    const dedup = await service("lexical+local", embedder);
    await dedup.upsert(doc(1, "Draft the quarterly report for the board"));
    await dedup.upsert(doc(2, "Check disk usage on the build server"));
    const result = await dedup.check({ content: "Check disk usage on the build server host" });
    expect(result.matches.map((match) => match.task_id)).toEqual([2]);
    release();
    await dedup.whenEmbedded();
  });

  it("a task is not left waiting on another task's embedding of the same text", async () => {
    let first = true;
    const { embedder, release } = heldEmbedder(() => {
      const hold = first;
      first = false;
      return hold;
    });
    const dedup = await service("lexical+local", embedder, "fail", "project");
    await dedup.upsert(doc(1, "Draft the quarterly report for the board", "a"));
    await dedup.upsert(doc(2, "Draft the quarterly report for the board", "b"));
    // Task 1's embedding is held; the check in project b needs task 2's, with the same text.
    const result = await dedup.check({
      content: "Draft the quarterly board report",
      projectId: "b",
    });
    expect(result.matches.map((match) => match.task_id)).toEqual([2]);
    release();
    await dedup.whenEmbedded();
  });

  it("scores only the tasks that can still reach the threshold, with the same answer as scoring all", async () => {
    const embedder = countingEmbedder();
    const dedup = await service("lexical+local", embedder);
    await dedup.syncOpenTasks(OPEN);
    const queries = [
      "Check disk usage on the build server",
      "Check disk usage",
      "Rotate TLS certificates",
      "Investigate flaky tests in payments",
    ];
    for (const content of queries) {
      const everything = await dedup.check({ content }, { threshold: 0.0001 });
      const flagged = await dedup.check({ content });
      expect(flagged.matches).toEqual(
        everything.matches.filter((match) => match.score >= dedup.threshold),
      );
    }
  });
});
