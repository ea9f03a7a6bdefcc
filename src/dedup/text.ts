import { ENGLISH_STOP_WORDS } from "./stop-words.js";

/** A task as the dedup check sees it: the issue title (`content`) and body (`description`). */
export interface DedupText {
  content: string;
  description?: string;
}

/** Title and body joined, as Delega compares them. */
export function fullText(text: DedupText): string {
  const body = text.description?.trim() ?? "";
  return body ? `${text.content.trim()} ${body}` : text.content.trim();
}

const LEADING_TASK_WORD = /^(?:task|todo|action|item)\b:?\s*/;

/** Delega's normalisation: lower-case, drop a leading task/todo/action/item word, collapse spaces. */
export function normalise(text: string): string {
  const collapsed = text.toLowerCase().replace(/\s+/g, " ").trim();
  return collapsed.replace(LEADING_TASK_WORD, "").trim();
}

// scikit-learn's default token pattern `\b\w\w+\b` with Python's Unicode `\w`.
const WORD_RUN = /[\p{L}\p{N}\p{M}_]{2,}/gu;

/** Tokens as scikit-learn's TfidfVectorizer finds them (input already lower-cased). */
export function sklearnTokens(text: string): string[] {
  return text.match(WORD_RUN) ?? [];
}

/** Tokens with English stop words removed. */
export function contentTokens(text: string): string[] {
  return sklearnTokens(text).filter((token) => !ENGLISH_STOP_WORDS.has(token));
}

/** Unigrams followed by bigrams of adjacent (post-stop-word) tokens, as `ngram_range=(1, 2)` does. */
export function unigramsAndBigrams(tokens: readonly string[]): string[] {
  const grams = [...tokens];
  for (let i = 0; i + 1 < tokens.length; i++) grams.push(`${tokens[i]} ${tokens[i + 1]}`);
  return grams;
}

/** Raw term counts. */
export function countTerms(terms: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
