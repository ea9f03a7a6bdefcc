import { SPACES, type Space } from "./lexical-terms.js";
import type { LexicalFeatures, LexicalHit } from "./lexical-index.js";

/** A logistic combination of the per-space cosines, learned on the dev split (bench/dedup.ts). */
export interface LexicalModel {
  /** "logistic": sigmoid of the weighted sum; "linear": the weighted sum itself (single-space ablations). */
  kind: "logistic" | "linear";
  weights: Record<Space, number>;
  bias: number;
  /** Factor applied when the titles' versions/hosts/dates/numbers conflict. */
  conflictPenalty: number;
}

/** Score from a search hit (weighted cosine sum already computed by the index). */
export function scoreHit(model: LexicalModel, hit: LexicalHit): number {
  if (hit.exact) return 1;
  const z = model.bias + hit.sum;
  const probability = model.kind === "logistic" ? 1 / (1 + Math.exp(-z)) : z;
  return hit.conflict ? probability * model.conflictPenalty : probability;
}

/** The smallest weighted cosine sum that can reach `minScore` (before any conflict penalty). */
export function minSumFor(model: LexicalModel, minScore: number): number {
  if (minScore <= 0) return Number.NEGATIVE_INFINITY;
  if (model.kind === "linear") return minScore - model.bias;
  if (minScore >= 1) return Number.POSITIVE_INFINITY;
  return Math.log(minScore / (1 - minScore)) - model.bias;
}

export function featureVector(features: LexicalFeatures): number[] {
  return SPACES.map((space) => features.cosine[space]);
}

/** Score in [0, 1]: an exact normalised match is 1; a specifics conflict scales the score down. */
export function scoreLexical(model: LexicalModel, features: LexicalFeatures): number {
  if (features.exact) return 1;
  let z = model.bias;
  for (const space of SPACES) z += model.weights[space] * features.cosine[space];
  const probability = model.kind === "logistic" ? 1 / (1 + Math.exp(-z)) : z;
  return features.conflict ? probability * model.conflictPenalty : probability;
}

/**
 * Fits logistic-regression weights by full-batch gradient descent with a small L2 penalty.
 * Deterministic (zero start, fixed steps), so the shipped calibration is reproducible.
 */
export function fitLogistic(
  rows: readonly number[][],
  labels: readonly boolean[],
  l2 = 1e-3,
  steps = 4000,
  rate = 0.5,
): { weights: number[]; bias: number } {
  const width = rows[0]?.length ?? 0;
  const weights = new Array<number>(width).fill(0);
  let bias = 0;
  const positives = labels.filter(Boolean).length;
  // Balance the classes so the weights do not just learn the dev split's 1:4 ratio.
  const classWeight = (label: boolean): number =>
    label ? rows.length / (2 * positives) : rows.length / (2 * (rows.length - positives));
  for (let step = 0; step < steps; step++) {
    const gradient = new Array<number>(width).fill(0);
    let gradientBias = 0;
    rows.forEach((row, index) => {
      const label = labels[index]!;
      let z = bias;
      for (let j = 0; j < width; j++) z += weights[j]! * row[j]!;
      const error = (1 / (1 + Math.exp(-z)) - (label ? 1 : 0)) * classWeight(label);
      for (let j = 0; j < width; j++) gradient[j]! += error * row[j]!;
      gradientBias += error;
    });
    for (let j = 0; j < width; j++)
      weights[j]! -= rate * (gradient[j]! / rows.length + l2 * weights[j]!);
    bias -= rate * (gradientBias / rows.length);
  }
  return { weights, bias };
}
