import { stemmer } from "stemmer";
import { ENGLISH_STOP_WORDS } from "./stop-words.js";
import { CANONICAL_WORDS } from "./synonyms.js";
import {
  countTerms,
  normalise,
  sklearnTokens,
  unigramsAndBigrams,
  type DedupText,
} from "./text.js";

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
}

export const DEFAULT_TERM_OPTIONS: TermOptions = { synonyms: true, stem: true };

function words(text: string, options: TermOptions): string[] {
  const out: string[] = [];
  for (const token of sklearnTokens(normalise(text))) {
    if (ENGLISH_STOP_WORDS.has(token)) continue;
    const canonical = options.synonyms ? (CANONICAL_WORDS.get(token) ?? token) : token;
    // Numbers and "v2"-style versions carry no topic; they are compared as specifics instead.
    if (/^v?\d+$/.test(canonical)) continue;
    out.push(options.stem ? stemmer(canonical) : canonical);
  }
  return out;
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

/** The raw term counts of one task in every space. Pure; cheap enough to recompute at start. */
export function extractTerms(
  text: DedupText,
  options: TermOptions = DEFAULT_TERM_OPTIONS,
): SpaceTerms {
  const body = text.description ?? "";
  const titleWords = words(text.content, options);
  const allWords = [...titleWords, ...words(body, options)];
  return {
    word: countTerms(unigramsAndBigrams(allWords)),
    title: countTerms(unigramsAndBigrams(titleWords)),
    char: countTerms(charGrams(text.content)),
    ident: countTerms(identifiers(`${text.content} ${body}`)),
  };
}
