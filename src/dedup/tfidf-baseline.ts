import { contentTokens, countTerms, normalise, unigramsAndBigrams } from "./text.js";

/**
 * Delega's dedup score, reproduced: TF-IDF (unigrams + bigrams, English stop words removed,
 * smoothed IDF fitted on the candidates plus the new text, L2 norm) and cosine; an exact match
 * after normalisation scores 1.0. Re-fits on every call, which is the point of the baseline:
 * its IDF only knows the handful of texts being compared.
 */
export function baselineScores(newText: string, candidates: readonly string[]): number[] {
  const normalisedNew = normalise(newText);
  const normalisedCandidates = candidates.map(normalise);
  const vectors = fitBaseline([...candidates, newText]);
  const query = vectors[vectors.length - 1]!;
  return normalisedCandidates.map((candidate, index) => {
    if (candidate === normalisedNew) return 1;
    let dot = 0;
    for (const [term, weight] of vectors[index]!) dot += weight * (query.get(term) ?? 0);
    return dot;
  });
}

/** Fits the baseline's vectoriser on `texts` and returns their L2-normalised TF-IDF vectors. */
export function fitBaseline(texts: readonly string[]): Map<string, number>[] {
  const documents = texts.map((text) =>
    countTerms(unigramsAndBigrams(contentTokens(normalise(text)))),
  );
  const documentFrequency = new Map<string, number>();
  for (const counts of documents) {
    for (const term of counts.keys())
      documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const n = documents.length;
  const idf = (term: string): number =>
    Math.log((1 + n) / (1 + (documentFrequency.get(term) ?? 0))) + 1;
  return documents.map((counts) => {
    const weights = new Map<string, number>();
    let norm = 0;
    for (const [term, count] of counts) {
      const weight = count * idf(term);
      weights.set(term, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [term, weight] of weights) weights.set(term, weight / norm);
    return weights;
  });
}

/** Delega's fixed threshold. */
export const BASELINE_THRESHOLD = 0.6;
