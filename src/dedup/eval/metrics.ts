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
 * The threshold with the best F1 on one sample. Candidates are midpoints between adjacent distinct
 * scores, so the threshold does not sit on one example's score; ties keep the lower threshold.
 * One sort and one sweep.
 */
export function bestF1Threshold(scores: readonly number[], labels: readonly boolean[]): number {
  const order = scores.map((_, index) => index).sort((a, b) => scores[b]! - scores[a]!);
  const positives = labels.filter(Boolean).length;
  let best = { f1: -1, threshold: 1 };
  let tp = 0;
  let flagged = 0;
  // Descending: after the last index of each distinct score, the flagged set is "score >= it".
  for (let k = 0; k < order.length; k++) {
    const index = order[k]!;
    flagged++;
    if (labels[index]) tp++;
    const next = order[k + 1];
    if (next !== undefined && scores[next] === scores[index]) continue;
    const precision = tp / flagged;
    const recall = positives === 0 ? 0 : tp / positives;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    const threshold = next === undefined ? scores[index]! : (scores[index]! + scores[next]!) / 2;
    if (f1 >= best.f1) best = { f1, threshold };
  }
  return best.threshold;
}

/**
 * The calibrated threshold: the median of the best-F1 thresholds of `resamples` bootstrap
 * resamples of the calibration data (bagging). One small sample's best threshold sits wherever a
 * few examples happen to fall; the median over resamples is steadier. Seeded, so reproducible.
 */
export function calibrateThreshold(
  scores: readonly number[],
  labels: readonly boolean[],
  resamples = 200,
  seed = 1,
): number {
  if (resamples <= 0) return bestF1Threshold(scores, labels);
  const random = mulberry32(seed);
  const thresholds: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const sampleScores: number[] = [];
    const sampleLabels: boolean[] = [];
    for (let i = 0; i < scores.length; i++) {
      const pick = Math.floor(random() * scores.length);
      sampleScores.push(scores[pick]!);
      sampleLabels.push(labels[pick]!);
    }
    thresholds.push(bestF1Threshold(sampleScores, sampleLabels));
  }
  thresholds.sort((a, b) => a - b);
  const middle = thresholds.length >> 1;
  return thresholds.length % 2 === 1
    ? thresholds[middle]!
    : (thresholds[middle - 1]! + thresholds[middle]!) / 2;
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
