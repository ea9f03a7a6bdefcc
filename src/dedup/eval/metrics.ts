/** Classification and retrieval metrics for the dedup benchmark. Pure functions. */

export interface Classification {
  precision: number;
  recall: number;
  f1: number;
}

export function classify(
  scores: readonly number[],
  labels: readonly boolean[],
  threshold: number,
): Classification {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((score, index) => {
    const flagged = score >= threshold;
    if (flagged && labels[index]) tp++;
    else if (flagged) fp++;
    else if (labels[index]) fn++;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** ROC-AUC as the probability that a random positive outscores a random negative (ties count ½). */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  const positives = scores.filter((_, index) => labels[index]);
  const negatives = scores.filter((_, index) => !labels[index]);
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}

/**
 * The threshold with the best F1 on calibration data. Candidates are midpoints between adjacent
 * distinct scores, so the threshold generalises rather than sitting on one example's score.
 */
export function calibrateThreshold(scores: readonly number[], labels: readonly boolean[]): number {
  const distinct = [...new Set(scores)].sort((a, b) => a - b);
  let best = { f1: -1, threshold: 1 };
  for (let i = 0; i < distinct.length; i++) {
    const threshold = i === 0 ? distinct[0]! : (distinct[i - 1]! + distinct[i]!) / 2;
    const { f1 } = classify(scores, labels, threshold);
    if (f1 > best.f1) best = { f1, threshold };
  }
  return best.threshold;
}

/** Fraction of queries with a relevant document among the first k results. */
export function recallAtK(
  rankings: readonly (readonly string[])[],
  relevant: readonly ReadonlySet<string>[],
  k: number,
): number {
  if (rankings.length === 0) return Number.NaN;
  let hits = 0;
  rankings.forEach((ranking, index) => {
    if (ranking.slice(0, k).some((id) => relevant[index]!.has(id))) hits++;
  });
  return hits / rankings.length;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}
