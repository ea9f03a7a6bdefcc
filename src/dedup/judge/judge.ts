import type { ScoredMatch } from "../best-matches.js";
import type { DedupText } from "../text.js";

/** A judge's answer for one pair: the same work, different work, or it cannot tell. */
export type Verdict = "same" | "different" | "unsure";

/** Decides whether a new task and an open one are the same work (used for the "possible" band only). */
export interface DedupJudge {
  judge(created: DedupText, open: DedupText): Promise<Verdict>;
}

/**
 * The levels after the judge (pure): a possible duplicate the judge calls the same work becomes a
 * duplicate (after the sure ones, best first), one it calls different work is dropped, and one it
 * cannot tell stays possible. `verdicts` are in the order of `possible`.
 */
export function applyVerdicts(
  found: { duplicates: ScoredMatch[]; possible: ScoredMatch[] },
  verdicts: readonly Verdict[],
  max = 5,
): { duplicates: ScoredMatch[]; possible: ScoredMatch[] } {
  const judged = (verdict: Verdict) => found.possible.filter((_, i) => verdicts[i] === verdict);
  return {
    duplicates: [...found.duplicates, ...judged("same")].slice(0, max),
    possible: judged("unsure"),
  };
}
