import { stemmer } from "stemmer";
import { ENGLISH_STOP_WORDS } from "./stop-words.js";
import { CANONICAL_WORDS } from "./synonyms.js";
import { countTerms, normalise, sklearnTokens, type DedupText } from "./text.js";

/** The sparse spaces the lexical scorer compares texts in; each has its own document frequencies. */
export const SPACES = ["word", "title", "char", "ident"] as const;
export type Space = (typeof SPACES)[number];
export type TermCounts = Map<string, number>;
export type SpaceTerms = Record<Space, TermCounts>;

export interface TermOptions {
  /** Map abbreviations to canonical words (synonyms.ts). */
  synonyms: boolean;
  /** Porter-stem words. */
  stem: boolean;
  /** Keep numbers (error codes, ports, issue keys) in the word space. */
  numbers: boolean;
  /** How many times a title word counts in the word space (a title says what the task is). */
  titleWeight: number;
  /**
   * What a bigram counts relative to a word in the word space (bigrams are rarer, so IDF alone
   * over-weighs them). The title space keeps whole bigrams: the veto's cut-off was set on it.
   */
  bigramWeight: number;
  /** IDF raised to this power in the word space (1 is plain TF-IDF). */
  idfPower: number;
}

function words(text: string, options: TermOptions, numbers: boolean): string[] {
  const out: string[] = [];
  for (const token of sklearnTokens(normalise(text))) {
    if (ENGLISH_STOP_WORDS.has(token)) continue;
    const canonical = options.synonyms ? (CANONICAL_WORDS.get(token) ?? token) : token;
    if (!numbers && /^v?\d+$/.test(canonical)) continue;
    out.push(options.stem ? stemmer(canonical) : canonical);
  }
  return out;
}

/** Unigram and bigram counts, bigrams scaled by `bigramWeight`, everything by `factor`. */
function addGrams(
  counts: TermCounts,
  tokens: readonly string[],
  factor: number,
  bigramWeight: number,
): void {
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + factor);
  for (let i = 0; i + 1 < tokens.length; i++) {
    const bigram = `${tokens[i]} ${tokens[i + 1]}`;
    counts.set(bigram, (counts.get(bigram) ?? 0) + factor * bigramWeight);
  }
}

// Identifiers: code-like tokens (dotted/slashed paths, snake_case, camelCase, names with digits).
const IDENTIFIER =
  /[A-Za-z_$][\w$]*(?:[./:#-][\w$]+)+|[a-z]+[A-Z][\w]*|[A-Za-z]+_[\w]+|[A-Za-z]+\d[\w]*/g;

function identifiers(text: string): string[] {
  const out: string[] = [];
  for (const match of text.match(IDENTIFIER) ?? []) {
    const lower = match.toLowerCase();
    out.push(lower);
    // Also each dotted/slashed part, so "org.apache.hadoop.fs.S3AFileSystem" meets "S3AFileSystem".
    for (const part of lower.split(/[./:#-]/)) if (part.length >= 4) out.push(part);
  }
  return out;
}

/** Character 3- to 5-grams inside words, with word boundaries marked, for spelling variants. */
function charGrams(text: string): string[] {
  const out: string[] = [];
  for (const token of sklearnTokens(normalise(text))) {
    if (ENGLISH_STOP_WORDS.has(token)) continue;
    const padded = ` ${token} `;
    for (let n = 3; n <= 5; n++) {
      for (let i = 0; i + n <= padded.length; i++) out.push(padded.slice(i, i + n));
    }
  }
  return out;
}

/**
 * The raw term counts of one task in the given spaces (the others are left empty: identifiers and
 * character n-grams are the costly ones, and the default method uses neither). Pure.
 */
export function extractTerms(
  text: DedupText,
  options: TermOptions,
  spaces: readonly Space[] = SPACES,
): SpaceTerms {
  const body = text.description ?? "";
  const terms: SpaceTerms = {
    word: new Map(),
    title: new Map(),
    char: new Map(),
    ident: new Map(),
  };
  if (spaces.includes("word")) {
    const { numbers, titleWeight, bigramWeight } = options;
    addGrams(terms.word, words(text.content, options, numbers), titleWeight, bigramWeight);
    addGrams(terms.word, words(body, options, numbers), 1, bigramWeight);
  }
  // Titles without numbers, whole bigrams: the veto asks whether two titles are the same but for
  // their specifics.
  if (spaces.includes("title")) addGrams(terms.title, words(text.content, options, false), 1, 1);
  if (spaces.includes("char")) terms.char = countTerms(charGrams(text.content));
  if (spaces.includes("ident")) terms.ident = countTerms(identifiers(`${text.content} ${body}`));
  return terms;
}
