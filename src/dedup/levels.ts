import { enoughEvidence } from "./evidence.js";
import { compareFrames, taskFrame, type FrameComparison } from "./task-frame.js";
import type { DedupText } from "./text.js";

/** "duplicate": surely the same work (a create is refused). "possible": similar, not sure. */
export type MatchLevel = "duplicate" | "possible";

export interface LevelThresholds {
  /** Similarity at which a match with no conflict in its frame is a duplicate. */
  block: number;
  /** Similarity at which a match is at least a possible duplicate. */
  flag: number;
  /**
   * For two reports of a problem (long texts or symptom titles), the similarity at which they are
   * duplicates, calibrated on the public bug reports; absent: `block`.
   */
  reports?: number;
  /**
   * Text length (title + body) from which a task reads as a report rather than a task line;
   * absent: never. The frames are made for task lines; a long report's title is only a summary
   * and its body names many things, so two long reports are compared by their similarity alone
   * (cut-off chosen on the dev splits, `REPORT_CHARS` in level-calibration.ts).
   */
  reportChars?: number;
}

const isLong = (text: DedupText, reportChars: number | undefined): boolean =>
  reportChars !== undefined && text.content.length + (text.description?.length ?? 0) > reportChars;

/** The lowest similarity any level needs (the search floor). */
export function levelFloor(thresholds: LevelThresholds): number {
  return Math.min(thresholds.block, thresholds.flag, thresholds.reports ?? thresholds.block);
}

/**
 * The level of one open task for a new task, from their similarity and their frames (pure).
 * Two task lines: a duplicate over the block threshold, a possible duplicate over the flag
 * threshold, and neither when the frames show different work (another action, target or period,
 * or a sub-step). Two reports of a problem (long texts, or titles that state a symptom and ask
 * for no action, as bug reports and alerts do) are compared as the public bug reports are, at
 * the `reports` threshold: two long ones by similarity alone (a long report's title is one
 * summary among many words), otherwise unless their frames show different work.
 */
export function matchLevel(
  query: DedupText,
  candidate: DedupText,
  score: number,
  thresholds: LevelThresholds,
): MatchLevel | undefined {
  if (score < levelFloor(thresholds)) return undefined;
  if (!enoughEvidence(query, candidate)) return undefined;
  const { reportChars } = thresholds;
  const reports = thresholds.reports ?? thresholds.block;
  const longQuery = isLong(query, reportChars);
  const longCandidate = isLong(candidate, reportChars);
  const asReports = (): MatchLevel | undefined =>
    score >= reports ? "duplicate" : score >= thresholds.flag ? "possible" : undefined;
  if (longQuery && longCandidate) return asReports();
  const queryFrame = taskFrame(query);
  const candidateFrame = taskFrame(candidate);
  const frames = compareFrames(queryFrame, candidateFrame);
  if (!sure(frames)) return undefined;
  if ((longQuery || queryFrame.report) && (longCandidate || candidateFrame.report))
    return asReports();
  if (score >= thresholds.block) return "duplicate";
  return score >= thresholds.flag ? "possible" : undefined;
}

/** No sign of different work: same action, targets and period, neither a step of the other. */
const sure = (f: FrameComparison): boolean =>
  !f.actionConflict &&
  !f.targetConflict &&
  !f.substitution &&
  !f.periodConflict &&
  !f.subStepAsymmetry;
