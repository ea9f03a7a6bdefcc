import { DEFAULT_TERM_OPTIONS, SPACES, extractTerms, type Space, type TermOptions } from "./lexical-terms.js";
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

export interface LexicalQuery {
  vectors: Record<Space, SparseVector>;
  specifics: Specifics;
  normalised: string;
}

interface Entry {
  id: number;
  specifics: Specifics;
  normalised: string;
}

/** The open tasks' term statistics and inverted indexes, updated one task at a time. */
export class LexicalIndex {
  private readonly spaces = Object.fromEntries(SPACES.map((space) => [space, new SparseSpace()])) as Record<Space, SparseSpace>;
  private readonly slots = new Map<number, number>();
  private readonly entries: (Entry | undefined)[] = [];
  private readonly free: number[] = [];

  constructor(private readonly termOptions: TermOptions = DEFAULT_TERM_OPTIONS) {}

  get size(): number {
    return this.slots.size;
  }

  has(id: number): boolean {
    return this.slots.has(id);
  }

  add(id: number, text: DedupText): void {
    this.remove(id);
    const slot = this.free.pop() ?? this.entries.length;
    const terms = extractTerms(text, this.termOptions);
    for (const space of SPACES) this.spaces[space].add(slot, terms[space]);
    this.entries[slot] = { id, specifics: extractSpecifics(text.content), normalised: normalise(fullText(text)) };
    this.slots.set(id, slot);
  }

  remove(id: number): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    for (const space of SPACES) this.spaces[space].remove(slot);
    this.entries[slot] = undefined;
    this.slots.delete(id);
    this.free.push(slot);
  }

  /** Weighs a new task's terms with the open tasks' statistics. */
  prepare(text: DedupText): LexicalQuery {
    const terms = extractTerms(text, this.termOptions);
    const vectors = Object.fromEntries(SPACES.map((space) => [space, this.spaces[space].vectorise(terms[space])])) as Record<Space, SparseVector>;
    return { vectors, specifics: extractSpecifics(text.content), normalised: normalise(fullText(text)) };
  }

  /**
   * Features against every open task sharing at least one term with the query (the others score
   * zero in every space), through the inverted indexes: cost grows with the query's postings, not
   * with a re-fit over all tasks.
   */
  search(query: LexicalQuery, accept: (id: number) => boolean = () => true): Map<number, LexicalFeatures> {
    const capacity = this.entries.length;
    const sums = Object.fromEntries(SPACES.map((space) => [space, new Float64Array(capacity)])) as Record<Space, Float64Array>;
    for (const space of SPACES) this.spaces[space].accumulate(query.vectors[space], sums[space]);
    const out = new Map<number, LexicalFeatures>();
    for (let slot = 0; slot < capacity; slot++) {
      const entry = this.entries[slot];
      if (!entry) continue;
      let any = entry.normalised === query.normalised;
      for (const space of SPACES) if (sums[space][slot]! > 0) any = true;
      if (!any || !accept(entry.id)) continue;
      out.set(entry.id, this.toFeatures(entry, query, (space) => sums[space][slot]!));
    }
    return out;
  }

  /** Features against one open task (for evaluation on labelled pairs). */
  pair(query: LexicalQuery, id: number): LexicalFeatures {
    const slot = this.slots.get(id);
    const entry = slot === undefined ? undefined : this.entries[slot];
    if (slot === undefined || !entry) throw new Error(`task ${id} is not indexed`);
    return this.toFeatures(entry, query, (space) => {
      const vector = this.spaces[space].documentVector(slot);
      return vector ? sparseCosine(query.vectors[space], vector) : 0;
    });
  }

  private toFeatures(entry: Entry, query: LexicalQuery, cosine: (space: Space) => number): LexicalFeatures {
    return {
      cosine: Object.fromEntries(SPACES.map((space) => [space, Math.min(1, cosine(space))])) as Record<Space, number>,
      exact: entry.normalised === query.normalised,
      conflict: specificsConflict(query.specifics, entry.specifics),
    };
  }
}
