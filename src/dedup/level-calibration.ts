// Calibrated by `npx tsx bench/agent-tasks.ts <method>` (also run by `npm run bench:dedup`) on
// the dev split of bench/data/agent-tasks. Measured, not chosen.
import type { LevelThresholds } from "./levels.js";

/** Block and flag thresholds per method; a method not listed blocks and flags at its threshold. */
export const LEVELS: Record<string, LevelThresholds | undefined> = {
  "lexical+local": { block: 0.65, flag: 0.39 },
  lexical: { block: 0.64, flag: 0.33 },
};

/**
 * Text length (title + body) over which two texts are compared as reports, by similarity alone:
 * the cut-off with the best block F1 on the public bug reports' dev split among those that keep
 * the agent-task dev split on target (`chooseReportChars` in bench/dedup.ts). Measured, not chosen.
 */
export const REPORT_CHARS = 90;
