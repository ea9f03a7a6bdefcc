/**
 * The agent-task dedup cases (bench/data/agent-tasks, written for Baton): how the default method's
 * two levels (block = 409, flag = block or possible) do on near misses and true duplicates, and
 * how many realistic delegations the scorer alone would refuse. Used by `npm run bench:dedup`
 * (the `agent_tasks` key); `npx tsx bench/agent-tasks.ts` prints the dev analysis alone.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { Scorer } from "../src/dedup/scorer.js";
import { resolveMethod, type MethodSpec } from "../src/dedup/methods.js";
import { DEFAULT_METHOD } from "../src/dedup/calibration.js";
import { fullText, type DedupText } from "../src/dedup/text.js";
import { matchLevel, type LevelThresholds } from "../src/dedup/levels.js";
import type { Embedder } from "../src/dedup/embedders/embedder.js";
import { DedupService } from "../src/dedup/service.js";
import { DedupStore } from "../src/store/dedup-store.js";
import { migrate } from "../src/store/database.js";
import { DuplicateGuard, type IssueForIndex } from "../src/services/duplicate-guard.js";
import { decodeIssue, encodeTask, TaskMetaSchema } from "../src/tasks/issue-codec.js";

const here = dirname(fileURLToPath(import.meta.url));
const DATA = join(here, "data", "agent-tasks");
const CACHE = join(here, ".cache");
const log = (message: string): void => void process.stderr.write(`[agent-tasks] ${message}\n`);
const round = (value: number, digits = 3): number =>
  Math.round(value * 10 ** digits) / 10 ** digits;

export type Split = "dev" | "test";
export interface AgentCase {
  id: string;
  team: string;
  category: string;
  duplicate: boolean;
  split: Split;
  open: DedupText;
  new: DedupText;
}
interface Delegation {
  id: string;
  parent: DedupText;
  child: DedupText;
}

const readJsonl = <T>(name: string): T[] =>
  readFileSync(join(DATA, name), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as T);
export const agentCases = readJsonl<AgentCase>("cases.jsonl");
export const delegations = readJsonl<Delegation>("delegations.jsonl");

/** A case scored as the service scores it: the similarity score and the level it gets. */
export interface ScoredCase {
  case: AgentCase;
  score: number;
}

/** The encoder's vectors of every text here, cached on disk (keyed by the texts). */
async function localVectors(texts: string[]): Promise<Map<string, Float32Array>> {
  const unique = [...new Set(texts)].sort();
  const key = createHash("sha256").update(unique.join("\u0000")).digest("hex").slice(0, 16);
  const file = join(CACHE, `agent-tasks-use-lite-${key}.bin`);
  const out = new Map<string, Float32Array>();
  let all: Float32Array;
  if (existsSync(file)) all = new Float32Array(readFileSync(file).buffer.slice(0));
  else {
    const { createLocalEmbedder } = await import("../src/dedup/embedders/local-embedder.js");
    const embedder = await createLocalEmbedder();
    log(`embedding ${unique.length} texts (cached in bench/.cache)`);
    all = new Float32Array(unique.length * 512);
    for (let start = 0; start < unique.length; start += 64) {
      const vectors = await embedder.embed(unique.slice(start, start + 64));
      vectors.forEach((vector, offset) => all.set(vector, (start + offset) * 512));
    }
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(file, Buffer.from(all.buffer));
  }
  unique.forEach((text, index) => out.set(text, all.subarray(index * 512, (index + 1) * 512)));
  return out;
}

/** An embedder that answers from the cached vectors of these texts (the bench never loads a model twice). */
async function cachedEmbedder(texts: readonly DedupText[]): Promise<Embedder> {
  const vectors = await localVectors(texts.map(fullText));
  return {
    model: "cached",
    embed: (batch) =>
      Promise.resolve(
        batch.map((text) => {
          const vector = vectors.get(text);
          if (!vector) throw new Error(`no cached vector for "${text}"`);
          return vector;
        }),
      ),
  };
}

/**
 * How many children of the delegation fixture Baton refuses, as the server checks them: every
 * parent open, each child checked by the DuplicateGuard under its parent (the chain rule applies).
 */
async function refusedDelegations(spec: MethodSpec): Promise<number> {
  const parents = [...new Set(delegations.map((d) => d.parent.content))];
  const db = new Database(":memory:");
  migrate(db);
  const guard = new DuplicateGuard(
    await DedupService.create({
      method: spec.name,
      scope: "repo",
      onError: "fail",
      store: new DedupStore(db),
      ...(spec.dense === "local"
        ? {
            embedder: await cachedEmbedder(delegations.flatMap((d) => [d.parent, d.child])),
          }
        : {}),
    }),
  );
  const issue = (number: number, content: string): IssueForIndex => {
    const meta = TaskMetaSchema.parse({ created_by: "agent", depth: 0 });
    const encoded = encodeTask({
      content,
      description: null,
      priority: 2,
      labels: [],
      projectSlug: null,
      assignee: "agent",
      status: "open",
      meta,
    });
    const labels = encoded.labels.map((name) => ({ name }));
    return {
      number,
      url: `https://github.com/o/r/issues/${number}`,
      decoded: decodeIssue({
        number,
        title: encoded.title,
        body: encoded.body,
        state: "open",
        labels,
      }),
    };
  };
  for (const [index, content] of parents.entries()) await guard.index(issue(index + 1, content));
  let refused = 0;
  for (const d of delegations) {
    const parentId = parents.indexOf(d.parent.content) + 1;
    const found = await guard.check({ id: "agent", role: "worker" }, { ...d.child, parentId });
    if (found.has_duplicates) refused++;
  }
  db.close();
  return refused;
}

/**
 * Similarity scores of each case's new task against its open task, with IDF from the split's
 * open tasks (the queue the new task arrives in) and, for dense methods, the encoder's cosine.
 */
export async function scoreCases(
  spec: MethodSpec,
  cases: readonly { open: DedupText; new: DedupText }[],
): Promise<number[]> {
  const vectors =
    spec.dense === "local"
      ? await localVectors(cases.flatMap((c) => [fullText(c.open), fullText(c.new)]))
      : undefined;
  const scorer = new Scorer(
    spec,
    vectors ? { model: "cached", embed: () => Promise.reject(new Error("cached")) } : undefined,
  );
  cases.forEach((c, id) => scorer.add(id, c.open, vectors?.get(fullText(c.open))));
  return cases.map((c, id) => {
    const query = {
      text: c.new,
      lexical: scorer.prepareLexical(c.new),
      vector: vectors?.get(fullText(c.new)),
    };
    return scorer.search(query, (other) => other === id)[0]?.score ?? 0;
  });
}

export interface LevelFigures {
  block: { precision: number; recall: number };
  flag: { precision: number; recall: number };
  /** Per category: the share of cases blocked and flagged (duplicates should be, near misses not). */
  by_category: Record<string, { cases: number; blocked: number; flagged: number }>;
}

/** Block and flag precision/recall of `levels` over some cases. */
export function levelFigures(
  cases: readonly AgentCase[],
  scores: readonly number[],
  thresholds: LevelThresholds,
): LevelFigures {
  const levels = cases.map((c, i) => matchLevel(c.new, c.open, scores[i]!, thresholds));
  const pr = (hit: (i: number) => boolean) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    cases.forEach((c, i) => {
      if (hit(i) && c.duplicate) tp++;
      else if (hit(i)) fp++;
      else if (c.duplicate) fn++;
    });
    return {
      precision: round(tp / Math.max(1, tp + fp)),
      recall: round(tp / Math.max(1, tp + fn)),
    };
  };
  const by_category: LevelFigures["by_category"] = {};
  cases.forEach((c, i) => {
    const entry = (by_category[c.category] ??= { cases: 0, blocked: 0, flagged: 0 });
    entry.cases++;
    if (levels[i] === "duplicate") entry.blocked++;
    if (levels[i]) entry.flagged++;
  });
  return {
    block: pr((i) => levels[i] === "duplicate"),
    flag: pr((i) => levels[i] !== undefined),
    by_category,
  };
}

/**
 * The levels' thresholds on dev: the lowest block threshold at which no dev near miss is refused
 * (Delega's clients cannot override a 409: it must be sure), and the flag threshold with the best
 * dev F1 among those under it.
 */
export function calibrateLevels(
  cases: readonly AgentCase[],
  scores: readonly number[],
): LevelThresholds {
  const grid = Array.from({ length: 81 }, (_, i) => round(0.2 + i * 0.01, 2));
  let block = 1;
  for (const t of [...grid].reverse()) {
    const f = levelFigures(cases, scores, { block: t, flag: t });
    if (f.block.precision >= 1) block = t;
    else break;
  }
  let flag = block;
  let best = -1;
  for (const t of grid.filter((value) => value <= block)) {
    const f = levelFigures(cases, scores, { block, flag: t }).flag;
    const f1 = (2 * f.precision * f.recall) / Math.max(1e-9, f.precision + f.recall);
    if (f1 > best + 1e-9) {
      best = f1;
      flag = t;
    }
  }
  return { block, flag };
}

/** Everything `bench:dedup` reports for one method: thresholds from dev, figures on test. */
export async function evaluateAgentTasks(
  spec: MethodSpec,
  /** Completes the dev-calibrated levels (e.g. the report cut-off), given the dev figures of any. */
  complete: (
    levels: LevelThresholds,
    devFigures: (thresholds: LevelThresholds) => LevelFigures,
  ) => LevelThresholds = (levels) => levels,
): Promise<{
  thresholds: LevelThresholds;
  dev: LevelFigures;
  test: LevelFigures;
  delegations: {
    pairs: number;
    refused: number;
    blocked_by_score: number;
    flagged_by_score: number;
  };
}> {
  const scores = await scoreCases(spec, agentCases);
  const pick = (split: Split) => {
    const idx = agentCases.flatMap((c, i) => (c.split === split ? [i] : []));
    return { cases: idx.map((i) => agentCases[i]!), scores: idx.map((i) => scores[i]!) };
  };
  const dev = pick("dev");
  const test = pick("test");
  const thresholds = complete(calibrateLevels(dev.cases, dev.scores), (t) =>
    levelFigures(dev.cases, dev.scores, t),
  );
  // Baton never compares a child with its own chain; this measures the scorer alone, as if it did.
  const pairs = delegations.map((d) => ({ open: d.parent, new: d.child }));
  const pairScores = await scoreCases(spec, pairs);
  const levels = pairs.map((p, i) => matchLevel(p.new, p.open, pairScores[i]!, thresholds));
  return {
    thresholds,
    dev: levelFigures(dev.cases, dev.scores, thresholds),
    test: levelFigures(test.cases, test.scores, thresholds),
    delegations: {
      pairs: pairs.length,
      refused: await refusedDelegations(spec),
      blocked_by_score: levels.filter((level) => level === "duplicate").length,
      flagged_by_score: levels.filter((level) => level !== undefined).length,
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await evaluateAgentTasks(resolveMethod(process.argv[2] ?? DEFAULT_METHOD));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
