import { describe, expect, it } from "vitest";
import {
  bestF1Threshold,
  calibrateThreshold,
  classify,
  recallAtK,
  rocAuc,
} from "../../src/dedup/eval/metrics.js";

/** Every midpoint tried, F1 counted from scratch each time: slow and obviously right. */
function bruteForceBest(scores: number[], labels: boolean[]): number {
  const distinct = [...new Set(scores)].sort((a, b) => a - b);
  let best = { f1: -1, threshold: 1 };
  for (let i = distinct.length - 1; i >= 0; i--) {
    const threshold = i === 0 ? distinct[0]! : (distinct[i - 1]! + distinct[i]!) / 2;
    const { f1 } = classify(scores, labels, threshold);
    if (f1 >= best.f1) best = { f1, threshold };
  }
  return best.threshold;
}

describe("dedup evaluation metrics", () => {
  it("bestF1Threshold finds the same threshold as trying every midpoint, ties included", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let round = 0; round < 50; round++) {
      // Two decimals, so that equal scores (ties) are common.
      const scores = Array.from({ length: 40 }, () => Math.round(random() * 100) / 100);
      const labels = scores.map((score) => random() < score);
      expect(bestF1Threshold(scores, labels)).toBeCloseTo(bruteForceBest(scores, labels), 12);
    }
  });

  it("calibrateThreshold separates separable data and is reproducible", () => {
    const scores = [0.1, 0.2, 0.25, 0.3, 0.7, 0.8, 0.85, 0.9];
    const labels = scores.map((score) => score > 0.5);
    const threshold = calibrateThreshold(scores, labels);
    expect(threshold).toBeGreaterThan(0.3);
    expect(threshold).toBeLessThanOrEqual(0.7);
    expect(calibrateThreshold(scores, labels)).toBe(threshold);
    expect(classify(scores, labels, threshold).f1).toBe(1);
  });

  it("rocAuc counts ties as half, recallAtK looks at the first k only", () => {
    expect(rocAuc([0.9, 0.5, 0.5, 0.1], [true, true, false, false])).toBe(0.875);
    const relevant = [new Set(["a"]), new Set(["z"])];
    expect(
      recallAtK(
        [
          ["b", "a"],
          ["a", "b"],
        ],
        relevant,
        1,
      ),
    ).toBe(0);
    expect(
      recallAtK(
        [
          ["b", "a"],
          ["a", "b"],
        ],
        relevant,
        2,
      ),
    ).toBe(0.5);
  });
});
