// Calibrated by `npm run bench:dedup` (`levels` in its output) on the dev splits of
// bench/data/agent-tasks and bench/data/dedup. Measured, not chosen.
import type { LevelThresholds } from "./levels.js";

/**
 * Per method: the block and flag thresholds (agent-task dev split) and the text length over which
 * a task reads as a report (`chooseReportChars` in bench/dedup.ts: the best block F1 on the public
 * dev split among the cut-offs that keep the agent-task dev split on target). A method not listed
 * blocks and flags at its threshold.
 */
export const LEVELS: Record<string, LevelThresholds | undefined> = {
  "lexical+local": { block: 0.63, flag: 0.4, reportChars: 90 },
  lexical: { block: 0.62, flag: 0.33, reportChars: 90 },
};
