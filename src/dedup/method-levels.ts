import { LEVELS } from "./level-calibration.js";
import type { LevelThresholds } from "./levels.js";
import type { MethodSpec } from "./methods.js";

/**
 * The levels a method decides with (pure; the server's check and the Action's token mode share
 * it): calibrated on the agent-task dev split for the methods listed in level-calibration.ts,
 * otherwise blocking and flagging at the method's threshold. `threshold` (BATON_DEDUP_THRESHOLD,
 * or a check's own `threshold`) sets the blocking level and the reports' level; the flag level
 * never sits above the blocking one.
 */
export function methodLevels(spec: MethodSpec, threshold?: number): LevelThresholds {
  const levels = LEVELS[spec.name];
  const block = threshold ?? levels?.block ?? spec.threshold;
  return {
    block,
    flag: Math.min(levels?.flag ?? spec.threshold, block),
    reports: threshold ?? spec.threshold,
    ...(levels?.reportChars !== undefined ? { reportChars: levels.reportChars } : {}),
  };
}
