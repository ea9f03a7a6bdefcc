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
  if (score < Math.min(thresholds.block, thresholds.flag)) return undefined;
  if (!enoughEvidence(query, candidate)) return undefined;
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
