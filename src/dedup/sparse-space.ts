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
  // Read-optimised copies of postings, rebuilt lazily for terms changed since the last search.
  private readonly frozen = new Map<string, { slots: Int32Array; weights: Float64Array }>();
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
      this.frozen.delete(term);
    }
    if (this.drifted()) this.refit();
  }

  /**
   * Adds `factor × (query · document)` into `scores[slot]` for every document sharing a term with
   * the query, and records first-touched slots in `touched` (returns the new touched count).
   */
  accumulate(query: SparseVector, factor: number, scores: Float64Array, touched: Int32Array, touchedCount: number): number {
    let count = touchedCount;
    for (const [term, weight] of query) {
      const posting = this.frozenPosting(term);
      if (!posting) continue;
      const w = weight * factor;
      const { slots, weights } = posting;
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        if (scores[slot] === 0) touched[count++] = slot;
        scores[slot]! += w * weights[i]!;
      }
    }
    return count;
  }

  private frozenPosting(term: string): { slots: Int32Array; weights: Float64Array } | undefined {
    let frozen = this.frozen.get(term);
    if (frozen) return frozen;
    const posting = this.postings.get(term);
    if (!posting) return undefined;
    frozen = { slots: Int32Array.from(posting.keys()), weights: Float64Array.from(posting.values()) };
    this.frozen.set(term, frozen);
    return frozen;
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
    this.frozen.clear();
    for (const [slot, counts] of this.counts) this.post(slot, counts);
    this.fittedSize = this.counts.size;
  }

  private post(slot: number, counts: TermCounts): void {
    for (const [term, weight] of this.vectorise(counts)) {
      let posting = this.postings.get(term);
      if (!posting) this.postings.set(term, (posting = new Map()));
      posting.set(slot, weight);
      this.frozen.delete(term);
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
