import type { TermCounts } from "./lexical-terms.js";

/** A sparse L2-normalised vector: term → weight. */
export type SparseVector = Map<string, number>;

/**
 * One TF-IDF space over the open tasks, kept incrementally: document frequencies change on every
 * add/remove, postings hold each document's weights for an inverted-index search. Document weights
 * are re-computed with fresh IDF only when the collection has drifted (>10% in size), so an add or
 * a search never re-fits the whole corpus.
 */
export class SparseSpace {
  private readonly df = new Map<string, number>();
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly counts = new Map<number, TermCounts>();
  private fittedSize = 0;

  get size(): number {
    return this.counts.size;
  }

  idf(term: string): number {
    // scikit-learn's smoothed IDF, over the open tasks plus the text being weighed.
    return Math.log((2 + this.counts.size) / (1 + (this.df.get(term) ?? 0))) + 1;
  }

  /** Sublinear TF × IDF, L2-normalised, with the current statistics. */
  vectorise(counts: TermCounts): SparseVector {
    const vector: SparseVector = new Map();
    let norm = 0;
    for (const [term, count] of counts) {
      const weight = (1 + Math.log(count)) * this.idf(term);
      vector.set(term, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [term, weight] of vector) vector.set(term, weight / norm);
    return vector;
  }

  add(slot: number, counts: TermCounts): void {
    this.remove(slot);
    this.counts.set(slot, counts);
    for (const term of counts.keys()) this.df.set(term, (this.df.get(term) ?? 0) + 1);
    if (this.drifted()) this.refit();
    else this.post(slot, counts);
  }

  remove(slot: number): void {
    const counts = this.counts.get(slot);
    if (!counts) return;
    this.counts.delete(slot);
    for (const term of counts.keys()) {
      const left = (this.df.get(term) ?? 1) - 1;
      if (left > 0) this.df.set(term, left);
      else this.df.delete(term);
      const posting = this.postings.get(term);
      posting?.delete(slot);
      if (posting?.size === 0) this.postings.delete(term);
    }
    if (this.drifted()) this.refit();
  }

  /** Adds `query · document` for every document sharing a term with the query into `scores[slot]`. */
  accumulate(query: SparseVector, scores: Float64Array): void {
    for (const [term, weight] of query) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      for (const [slot, documentWeight] of posting) scores[slot] = (scores[slot] ?? 0) + weight * documentWeight;
    }
  }

  /** The stored vector of one document, weighted with the current statistics. */
  documentVector(slot: number): SparseVector | undefined {
    const counts = this.counts.get(slot);
    return counts ? this.vectorise(counts) : undefined;
  }

  private drifted(): boolean {
    const size = this.counts.size;
    return Math.abs(size - this.fittedSize) > Math.max(10, 0.1 * this.fittedSize);
  }

  private refit(): void {
    this.postings.clear();
    for (const [slot, counts] of this.counts) this.post(slot, counts);
    this.fittedSize = this.counts.size;
  }

  private post(slot: number, counts: TermCounts): void {
    for (const [term, weight] of this.vectorise(counts)) {
      let posting = this.postings.get(term);
      if (!posting) this.postings.set(term, (posting = new Map()));
      posting.set(slot, weight);
    }
  }
}

/** Cosine of two L2-normalised sparse vectors. */
export function sparseCosine(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, weight] of small) dot += weight * (large.get(term) ?? 0);
  return dot;
}
