import type { TermCounts } from "./lexical-terms.js";

/** A sparse L2-normalised vector over hashed terms, ids ascending. */
export interface SparseVector {
  ids: Int32Array;
  weights: Float32Array;
}

// Terms are hashed into 2^18 buckets (the "hashing trick"): no vocabulary of strings to keep,
// fixed-size document-frequency tables, and collisions rare enough not to move a cosine.
const BUCKET_BITS = 18;
const BUCKETS = 1 << BUCKET_BITS;

function bucket(term: string): number {
  // FNV-1a, 32 bit.
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    hash ^= term.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & (BUCKETS - 1);
}

interface StoredDocument {
  ids: Int32Array;
  /** Weighted term counts (title words and bigrams are scaled, so counts may be fractional). */
  counts: Float32Array;
}

/**
 * One TF-IDF space over the open tasks, kept incrementally and compactly (~16 bytes per term
 * occurrence): document frequencies change on every add/remove; an inverted index in CSR arrays
 * is rebuilt with fresh IDF only when the collection has drifted (>10%), and documents added since
 * are scanned directly. So neither an add nor a search re-fits the corpus.
 */
export class SparseSpace {
  private readonly df = new Int32Array(BUCKETS);
  private readonly documents: (StoredDocument | undefined)[] = [];
  private count = 0;
  // The inverted index as of the last rebuild.
  // Both tables are filled in place at each rebuild: allocating and copying 1 MB tables was most
  // of a rebuild's time, and all of its garbage.
  private readonly offsets = new Int32Array(BUCKETS + 1);
  private readonly cursor = new Int32Array(BUCKETS);
  private postingSlots = new Int32Array(0);
  private postingWeights = new Float32Array(0);
  private inIndex = new Uint8Array(0);
  private indexedCount = 0;
  private changesSinceBuild = 0;
  // Documents added since the last rebuild, with their weights at insertion.
  private readonly recent = new Map<number, SparseVector>();
  private bulk = false;

  get size(): number {
    return this.count;
  }

  /** `idfPower` > 1 sharpens IDF: rare words count for more against common ones. */
  constructor(private readonly idfPower = 1) {}

  idf(id: number): number {
    // scikit-learn's smoothed IDF, over the open tasks plus the text being weighed.
    const idf = Math.log((2 + this.count) / (1 + this.df[id]!)) + 1;
    return this.idfPower === 1 ? idf : idf ** this.idfPower;
  }

  /** Sublinear TF × IDF, L2-normalised, with the current statistics. */
  vectorise(counts: TermCounts): SparseVector {
    return this.weigh(toStored(counts));
  }

  add(slot: number, counts: TermCounts): void {
    this.remove(slot);
    const stored = toStored(counts);
    this.documents[slot] = stored;
    this.count++;
    for (const id of stored.ids) this.df[id]!++;
    this.changesSinceBuild++;
    if (this.bulk) return;
    this.recent.set(slot, this.weigh(stored));
    if (this.drifted()) this.rebuild();
  }

  remove(slot: number): void {
    const stored = this.documents[slot];
    if (!stored) return;
    this.documents[slot] = undefined;
    this.count--;
    for (const id of stored.ids) this.df[id]!--;
    const indexed = slot < this.inIndex.length && this.inIndex[slot] === 1;
    if (indexed) {
      this.inIndex[slot] = 0;
      this.indexedCount--;
    }
    // A document added and removed since the last rebuild leaves the collection as it was (a
    // create's pending entry, say): it undoes its own change instead of counting a second one.
    if (this.recent.delete(slot) && !indexed)
      this.changesSinceBuild = Math.max(0, this.changesSinceBuild - 1);
    else this.changesSinceBuild++;
    if (!this.bulk && this.drifted()) this.rebuild();
  }

  /** Runs many adds/removes with a single index rebuild at the end (start-up loads). */
  batch(fn: () => void): void {
    this.bulk = true;
    try {
      fn();
    } finally {
      this.bulk = false;
      this.rebuild();
    }
  }

  /**
   * Adds `factor × (query · document)` into `scores[slot]` for every document sharing a term with
   * the query, and records first-touched slots in `touched` (returns the new touched count).
   */
  accumulate(
    query: SparseVector,
    factor: number,
    scores: Float64Array,
    touched: Int32Array,
    touchedCount: number,
  ): number {
    let count = touchedCount;
    const { offsets, postingSlots, postingWeights, inIndex } = this;
    for (let q = 0; q < query.ids.length; q++) {
      const id = query.ids[q]!;
      const weight = query.weights[q]! * factor;
      for (let k = offsets[id]!, end = offsets[id + 1]!; k < end; k++) {
        const slot = postingSlots[k]!;
        if (!inIndex[slot]) continue;
        if (scores[slot] === 0) touched[count++] = slot;
        scores[slot]! += weight * postingWeights[k]!;
      }
    }
    for (const [slot, vector] of this.recent) {
      const dot = sparseCosine(query, vector);
      if (dot === 0) continue;
      if (scores[slot] === 0) touched[count++] = slot;
      scores[slot]! += factor * dot;
    }
    return count;
  }

  /** The stored vector of one document, weighted with the current statistics. */
  documentVector(slot: number): SparseVector | undefined {
    const stored = this.documents[slot];
    return stored ? this.weigh(stored) : undefined;
  }

  private weigh(stored: StoredDocument): SparseVector {
    const weights = new Float32Array(stored.ids.length);
    let norm = 0;
    for (let i = 0; i < weights.length; i++) {
      const weight = sublinear(stored.counts[i]!) * this.idf(stored.ids[i]!);
      weights[i] = weight;
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < weights.length; i++) weights[i]! /= norm;
    return { ids: stored.ids, weights };
  }

  private drifted(): boolean {
    return this.changesSinceBuild > Math.max(32, 0.1 * this.indexedCount);
  }

  private rebuild(): void {
    // A document holds each term once, so a term's postings are its document frequency.
    const { offsets, cursor, df } = this;
    offsets[0] = 0;
    for (let i = 0; i < BUCKETS; i++) offsets[i + 1] = offsets[i]! + df[i]!;
    cursor.set(offsets.subarray(0, BUCKETS));
    const total = offsets[BUCKETS]!;
    const slots = new Int32Array(total);
    const weights = new Float32Array(total);
    const inIndex = new Uint8Array(Math.max(this.documents.length * 2, 16));
    this.documents.forEach((stored, slot) => {
      if (!stored) return;
      const vector = this.weigh(stored);
      for (let i = 0; i < vector.ids.length; i++) {
        const at = cursor[vector.ids[i]!]!++;
        slots[at] = slot;
        weights[at] = vector.weights[i]!;
      }
      inIndex[slot] = 1;
    });
    this.postingSlots = slots;
    this.postingWeights = weights;
    this.inIndex = inIndex;
    this.indexedCount = this.count;
    this.recent.clear();
    this.changesSinceBuild = 0;
  }
}

function toStored(counts: TermCounts): StoredDocument {
  const merged = new Map<number, number>();
  for (const [term, count] of counts) {
    const id = bucket(term);
    merged.set(id, (merged.get(id) ?? 0) + count);
  }
  const ids = Int32Array.from(merged.keys()).sort();
  const out = new Float32Array(ids.length);
  ids.forEach((id, index) => (out[index] = merged.get(id)!));
  return { ids, counts: out };
}

/** Damped term frequency: 1 + ln(count) from one occurrence on, linear below (weighted terms). */
function sublinear(count: number): number {
  return count >= 1 ? 1 + Math.log(count) : count;
}

/** Cosine of two L2-normalised sparse vectors (merge of ascending ids). */
export function sparseCosine(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const x = a.ids[i]!;
    const y = b.ids[j]!;
    if (x === y) dot += a.weights[i++]! * b.weights[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return dot;
}
