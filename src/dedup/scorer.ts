import { DenseIndex } from "./dense-index.js";
import type { Embedder } from "./embedders/embedder.js";
import { LexicalIndex, type LexicalQuery } from "./lexical-index.js";
import { SPACES } from "./lexical-terms.js";
import { minSumFor, scoreHit } from "./lexical-model.js";
import type { MethodSpec } from "./methods.js";
import { baselineScores } from "./tfidf-baseline.js";
import { fullText, type DedupText } from "./text.js";

export interface Scored {
  id: number;
  score: number;
}

/** A new task, ready to compare: its lexical weights and/or its embedding. */
export interface PreparedQuery {
  text: DedupText;
  lexical?: LexicalQuery;
  vector?: Float32Array;
}

/**
 * One method's view of the open tasks: a lexical index and/or dense vectors, scored and combined
 * as the MethodSpec says. No I/O apart from the embedder; the service owns caching and policy.
 */
export class Scorer {
  private readonly lexical: LexicalIndex | undefined;
  private readonly dense: DenseIndex | undefined;
  private readonly texts = new Map<number, DedupText>();

  constructor(
    readonly spec: MethodSpec,
    readonly embedder?: Embedder,
  ) {
    if (spec.dense && !embedder) throw new Error(`method ${spec.name} needs an embedder`);
    const sparse = spec.sparse;
    this.lexical =
      sparse?.kind === "lexical"
        ? new LexicalIndex(
            sparse.terms,
            SPACES.filter((space) => sparse.model.weights[space] !== 0),
          )
        : undefined;
    this.dense = spec.dense ? new DenseIndex() : undefined;
  }

  get needsVectors(): boolean {
    return this.dense !== undefined;
  }

  get size(): number {
    return this.texts.size;
  }

  has(id: number): boolean {
    return this.texts.has(id);
  }

  hasVector(id: number): boolean {
    return this.dense?.has(id) ?? true;
  }

  /** Adds or replaces an open task; `vector` is its cached embedding when the method is dense. */
  add(id: number, text: DedupText, vector?: Float32Array): void {
    this.texts.set(id, text);
    this.lexical?.add(id, text);
    if (this.dense) {
      if (vector) this.dense.add(id, vector);
      else this.dense.remove(id);
    }
  }

  /** Adds many open tasks at once (start-up): one index rebuild instead of many. */
  addMany(items: readonly { id: number; text: DedupText; vector?: Float32Array }[]): void {
    for (const { id, text, vector } of items) {
      this.texts.set(id, text);
      if (this.dense && vector) this.dense.add(id, vector);
      else this.dense?.remove(id);
    }
    this.lexical?.addMany(items);
  }

  setVector(id: number, vector: Float32Array): void {
    this.dense?.add(id, vector);
  }

  remove(id: number): void {
    this.texts.delete(id);
    this.lexical?.remove(id);
    this.dense?.remove(id);
  }

  /** Embeds texts with the method's embedder (dense methods only). */
  async embed(texts: readonly DedupText[]): Promise<Float32Array[]> {
    if (!this.embedder) return [];
    return this.embedder.embed(texts.map(fullText));
  }

  /** The new task's lexical weights under the current statistics (sync, no model). */
  prepareLexical(text: DedupText): LexicalQuery | undefined {
    return this.lexical?.prepare(text);
  }

  /** The new task's own "embedding": lexical weights (sync, cheap) and/or one embedder call. */
  async prepare(text: DedupText): Promise<PreparedQuery> {
    const lexical = this.prepareLexical(text);
    const vector = this.embedder ? (await this.embed([text]))[0] : undefined;
    return { text, lexical, vector };
  }

  /**
   * The open tasks whose dense cosine can change the answer at `minScore`: `undefined` means all
   * of them (no floor), `[]` none (the check needs no embedding at all). Cosines of unit vectors
   * are at most 1, so a task whose sparse score is under `sparseFloor` cannot reach `minScore`
   * whatever its embedding says; most creates, which duplicate nothing, need no model call.
   */
  denseCandidates(
    query: PreparedQuery,
    accept: (id: number) => boolean = () => true,
    minScore = 0,
  ): number[] | undefined {
    if (!this.dense || this.spec.denseWeight <= 0) return [];
    const floor = this.sparseFloor(minScore);
    if (floor === undefined) return undefined;
    const out: number[] = [];
    for (const [id, score] of this.sparseScores(query, accept, floor))
      if (score >= floor) out.push(id);
    return out;
  }

  /**
   * Accepted open tasks, best first: every one with a positive score, or (faster) only those that
   * can reach `minScore`. With a floor, dense cosines are only computed for the tasks whose sparse
   * score can still reach it; the result is the same as scoring every task.
   */
  search(
    query: PreparedQuery,
    accept: (id: number) => boolean = () => true,
    minScore = 0,
  ): Scored[] {
    const floor = this.dense ? this.sparseFloor(minScore) : minScore;
    const sparse = this.sparseScores(query, accept, floor ?? 0);
    let dense = new Map<number, number>();
    if (this.dense && query.vector) {
      dense =
        floor === undefined
          ? this.dense.search(query.vector, accept)
          : this.dense.scoreOnly(
              query.vector,
              [...sparse].filter(([, score]) => score >= floor).map(([id]) => id),
            );
    }
    const denseWeight = this.spec.denseWeight;
    const ids = new Set<number>([...sparse.keys(), ...dense.keys()]);
    const out: Scored[] = [];
    for (const id of ids) {
      const score = (1 - denseWeight) * (sparse.get(id) ?? 0) + denseWeight * (dense.get(id) ?? 0);
      if (score > 0 && score >= minScore) out.push({ id, score });
    }
    return out.sort((a, b) => b.score - a.score || a.id - b.id);
  }

  /**
   * The sparse score a task needs so that, with a dense cosine of at most 1, it can still reach
   * `minScore`; undefined when every task can (no floor, a dense-only method, or a floor ≤ 0).
   */
  private sparseFloor(minScore: number): number | undefined {
    const denseWeight = this.spec.denseWeight;
    if (minScore <= 0 || this.spec.sparse?.kind !== "lexical" || denseWeight >= 1) return undefined;
    const floor = (minScore - denseWeight) / (1 - denseWeight);
    return floor > 0 ? floor : undefined;
  }

  private sparseScores(
    query: PreparedQuery,
    accept: (id: number) => boolean,
    minScore: number,
  ): Map<number, number> {
    const out = new Map<number, number>();
    const sparse = this.spec.sparse;
    if (sparse?.kind === "lexical" && this.lexical && query.lexical) {
      const model = sparse.model;
      // Only tasks that can reach minScore are scored (a veto only lowers a score); with no floor,
      // linear models keep every task with some overlap and logistic ones every touched task.
      const floor =
        minScore > 0
          ? minSumFor(model, minScore)
          : model.kind === "linear"
            ? Number.MIN_VALUE
            : Number.NEGATIVE_INFINITY;
      for (const hit of this.lexical.search(query.lexical, model.weights, floor, accept))
        out.set(hit.id, scoreHit(model, hit));
    } else if (sparse?.kind === "tfidf") {
      // Delega's method: re-fit on the candidates plus the new text at every check.
      const ids = [...this.texts.keys()].filter(accept);
      const scores = baselineScores(
        fullText(query.text),
        ids.map((id) => fullText(this.texts.get(id)!)),
      );
      ids.forEach((id, index) => out.set(id, scores[index]!));
    }
    return out;
  }
}
