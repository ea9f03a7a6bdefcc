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
   * For two reports (both over `reportChars` of text), the similarity at which they are
   * duplicates, calibrated on the public bug reports; absent: `block`.
   */
  reports?: number;
  /**
   * Text length from which a task reads as a report rather than a task line; absent: never. The
   * frames are made for task lines; a report's title is only a summary and its body names many
   * things, so two reports are compared by their similarity alone (cut-off chosen on the public
   * dev split, `REPORT_CHARS` in level-calibration.ts).
   */
  reportChars?: number;
}

const isReport = (text: DedupText, reportChars: number | undefined): boolean =>
  reportChars !== undefined && text.content.length + (text.description?.length ?? 0) > reportChars;

/** The lowest similarity any level needs (the search floor). */
export function levelFloor(thresholds: LevelThresholds): number {
  return Math.min(thresholds.block, thresholds.flag, thresholds.reports ?? thresholds.block);
}

/**
 * The level of one open task for a new task, from their similarity and their frames (pure): a
 * duplicate over the block threshold, a possible duplicate over the flag threshold, and neither
 * when the frames show different work (another action, target or period, or a sub-step).
 */
export function matchLevel(
  query: DedupText,
  candidate: DedupText,
  score: number,
  thresholds: LevelThresholds,
): MatchLevel | undefined {
  if (score < levelFloor(thresholds)) return undefined;
  if (!enoughEvidence(query, candidate)) return undefined;
  if (isReport(query, thresholds.reportChars) && isReport(candidate, thresholds.reportChars))
    return score >= (thresholds.reports ?? thresholds.block) ? "duplicate" : undefined;
  const frames = compareFrames(taskFrame(query), taskFrame(candidate));
  if (score >= thresholds.block && sure(frames)) return "duplicate";
  return score >= thresholds.flag && possible(frames) ? "possible" : undefined;
}

/** No sign of different work: same action, targets and period, neither a step of the other. */
const sure = (f: FrameComparison): boolean =>
  !f.actionConflict &&
  !f.targetConflict &&
  !f.substitution &&
  !f.periodConflict &&
  !f.subStepAsymmetry;

/**
 * Another target, action or period, or a step of a larger task, is different work: not even
 * worth a "possibly the same" line. What is left is similar, without a sign either way.
 */
const possible = (f: FrameComparison): boolean => sure(f);
