import { describe, expect, it } from "vitest";
import { baselineScores } from "../../src/dedup/tfidf-baseline.js";
import { normalise } from "../../src/dedup/text.js";

const three = (values: number[]): number[] =>
  values.map((value) => Math.round(value * 1000) / 1000);

describe("TF-IDF baseline (Delega's dedup)", () => {
  it("reproduces the reference scores", () => {
    expect(
      three(
        baselineScores("Fix the login bug", [
          "Fix login bug",
          "Fix signup bug",
          "Deploy to production",
        ]),
      ),
    ).toEqual([1, 0.255, 0]);
    expect(
      three(baselineScores("Research competitor pricing", ["Research competitor pricing pages"])),
    ).toEqual([0.747]);
    expect(three(baselineScores("Research pricing", ["Research competitor pricing"]))).toEqual([
      0.356,
    ]);
  });

  it("reproduces 0.168 for 'Deploy v2 to prod' when one unrelated task is also open", () => {
    // The reference was taken with another open task in the fit: IDF is fitted on all candidates
    // plus the new text, so with "Deploy to production" alone the same pair scores 0.151.
    expect(
      three(baselineScores("Deploy v2 to prod", ["Deploy to production", "Fix login bug"])),
    ).toEqual([0.168, 0]);
    expect(three(baselineScores("Deploy v2 to prod", ["Deploy to production"]))).toEqual([0.151]);
  });

  it("scores an exact normalised match 1.0 and strips a leading task word", () => {
    expect(normalise("  TODO:   Check   disk usage ")).toBe("check disk usage");
    expect(baselineScores("task: check disk usage", ["Check disk  usage"])).toEqual([1]);
  });
});
