import { SPACES, extractTerms, type Space, type TermOptions } from "./lexical-terms.js";
import { SparseSpace, sparseCosine, type SparseVector } from "./sparse-space.js";
import { extractSpecifics, specificsConflict, type Specifics } from "./specifics.js";
import { fullText, normalise, type DedupText } from "./text.js";

/** What the lexical scorer knows about one pair (new task, open task). */
export interface LexicalFeatures {
  /** Cosine per space, each with IDF from the open tasks. */
  cosine: Record<Space, number>;
  /** Same text after normalisation. */
  exact: boolean;
  /** Titles differ in a version, host, date or number. */
  conflict: boolean;
}

/** One candidate from a search: the weighted cosine sum, exact-match and conflict flags. */
export interface LexicalHit {
  id: number;
  sum: number;
  exact: boolean;
  conflict: boolean;
}

export interface LexicalQuery {
  vectors: Record<Space, SparseVector>;
  specifics: Specifics;
  normalised: string;
}

// Title word cosine (numbers excluded) above which two titles count as "the same but for specifics".
const SAME_TITLE_COSINE = 0.5;

const EMPTY: SparseVector = { ids: new Int32Array(0), weights: new Float32Array(0) };

interface Entry {
  id: number;
  specifics: Specifics;
  normalised: string;
}

/** The open tasks' term statistics and inverted indexes, updated one task at a time. */
export class LexicalIndex {
  private readonly spaces: Partial<Record<Space, SparseSpace>>;
  private readonly active: readonly Space[];
  private readonly slots = new Map<number, number>();
  private readonly entries: (Entry | undefined)[] = [];
  private readonly free: number[] = [];
  private readonly byNormalised = new Map<string, Set<number>>();
  // Scratch accumulators reused by every search (always left zeroed).
  private sums = new Float64Array(0);
  private touched = new Int32Array(0);

  /**
   * `spaces`: the spaces to index (default all). Unused spaces cost memory (character n-grams are
   * most of it), so a method indexes only those its model weighs, plus titles for the veto.
   */
  constructor(
    private readonly termOptions: TermOptions,
    spaces: readonly Space[] = SPACES,
  ) {
    this.active = SPACES.filter((space) => space === "title" || spaces.includes(space));
    // Only the word space sharpens IDF: the veto's title cut-off was set with plain IDF.
    this.spaces = Object.fromEntries(
      this.active.map((space) => [
        space,
        new SparseSpace(space === "word" ? termOptions.idfPower : 1),
      ]),
    );
  }

  get size(): number {
    return this.slots.size;
  }

  has(id: number): boolean {
    return this.slots.has(id);
  }

  add(id: number, text: DedupText): void {
    this.remove(id);
    const slot = this.free.pop() ?? this.entries.length;
    const terms = extractTerms(text, this.termOptions, this.active);
    for (const space of this.active) this.spaces[space]!.add(slot, terms[space]);
    const normalised = normalise(fullText(text));
    this.entries[slot] = { id, specifics: extractSpecifics(text.content), normalised };
    this.slots.set(id, slot);
    const same = this.byNormalised.get(normalised) ?? new Set<number>();
    this.byNormalised.set(normalised, same.add(slot));
  }

  remove(id: number): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    for (const space of this.active) this.spaces[space]!.remove(slot);
    const normalised = this.entries[slot]?.normalised ?? "";
    this.byNormalised.get(normalised)?.delete(slot);
    if (this.byNormalised.get(normalised)?.size === 0) this.byNormalised.delete(normalised);
    this.entries[slot] = undefined;
    this.slots.delete(id);
    this.free.push(slot);
  }

  /** Adds many tasks with one index rebuild per space, not one per 10% of growth. */
  addMany(items: Iterable<{ id: number; text: DedupText }>): void {
    const run = (spaces: Space[]): void => {
      const [first, ...rest] = spaces;
      if (!first) {
        for (const { id, text } of items) this.add(id, text);
        return;
      }
      this.spaces[first]!.batch(() => run(rest));
    };
    run([...this.active]);
  }

  /** Weighs a new task's terms with the open tasks' statistics. */
  prepare(text: DedupText): LexicalQuery {
    const terms = extractTerms(text, this.termOptions, this.active);
    const vectors = Object.fromEntries(
      SPACES.map((space) => [space, this.spaces[space]?.vectorise(terms[space]) ?? EMPTY]),
    ) as Record<Space, SparseVector>;
    return {
      vectors,
      specifics: extractSpecifics(text.content),
      normalised: normalise(fullText(text)),
    };
  }

  /**
   * Open tasks whose weighted cosine sum `Σ weights[space] × cosine` reaches `minSum` (or that
   * match exactly), through the inverted indexes: the cost grows with the query's postings, never
   * with a re-fit over all tasks. Conflicts are only computed for those candidates.
   */
  search(
    query: LexicalQuery,
    weights: Record<Space, number>,
    minSum: number,
    accept: (id: number) => boolean = () => true,
  ): LexicalHit[] {
    const capacity = this.entries.length;
    if (this.sums.length < capacity) {
      this.sums = new Float64Array(capacity * 2);
      this.touched = new Int32Array(capacity * 2);
    }
    const sums = this.sums;
    let touchedCount = 0;
    for (const space of this.active) {
      if (weights[space] === 0) continue;
      touchedCount = this.spaces[space]!.accumulate(
        query.vectors[space],
        weights[space],
        sums,
        this.touched,
        touchedCount,
      );
    }
    const hits: LexicalHit[] = [];
    const exact = this.byNormalised.get(query.normalised);
    for (const slot of exact ?? []) {
      const entry = this.entries[slot]!;
      if (accept(entry.id))
        hits.push({ id: entry.id, sum: sums[slot]!, exact: true, conflict: false });
    }
    for (let i = 0; i < touchedCount; i++) {
      const slot = this.touched[i]!;
      const sum = sums[slot]!;
      sums[slot] = 0;
      if (sum < minSum || sum === 0) continue;
      const entry = this.entries[slot];
      if (!entry || entry.normalised === query.normalised || !accept(entry.id)) continue;
      hits.push({ id: entry.id, sum, exact: false, conflict: this.conflicts(query, slot, entry) });
    }
    return hits;
  }

  /** Features against one open task (for evaluation on labelled pairs). */
  pair(query: LexicalQuery, id: number): LexicalFeatures {
    const slot = this.slots.get(id);
    const entry = slot === undefined ? undefined : this.entries[slot];
    if (slot === undefined || !entry) throw new Error(`task ${id} is not indexed`);
    return this.toFeatures(entry, query, (space) => {
      const vector = this.spaces[space]?.documentVector(slot);
      return vector ? sparseCosine(query.vectors[space], vector) : 0;
    });
  }

  private toFeatures(
    entry: Entry,
    query: LexicalQuery,
    cosine: (space: Space) => number,
  ): LexicalFeatures {
    const slot = this.slots.get(entry.id)!;
    return {
      cosine: Object.fromEntries(
        SPACES.map((space) => [space, Math.min(1, cosine(space))]),
      ) as Record<Space, number>,
      exact: entry.normalised === query.normalised,
      conflict: this.conflicts(query, slot, entry),
    };
  }

  /**
   * Tasks that differ only in a version, host, date or number: their titles name conflicting
   * specifics while the rest of the titles is much the same. Real duplicates that merely mention
   * different versions word their titles differently, so they are not vetoed.
   */
  private conflicts(query: LexicalQuery, slot: number, entry: Entry): boolean {
    if (!specificsConflict(query.specifics, entry.specifics)) return false;
    const title = this.spaces.title?.documentVector(slot);
    return title !== undefined && sparseCosine(query.vectors.title, title) >= SAME_TITLE_COSINE;
  }
}
