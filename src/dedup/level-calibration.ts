// Calibrated by `npx tsx bench/agent-tasks.ts <method>` (also run by `npm run bench:dedup`) on
// the dev split of bench/data/agent-tasks. Measured, not chosen.
import type { LevelThresholds } from "./levels.js";

/** Block and flag thresholds per method; a method not listed blocks and flags at its threshold. */
export const LEVELS: Record<string, LevelThresholds | undefined> = {
  "lexical+local": { block: 0.65, flag: 0.39 },
  lexical: { block: 0.64, flag: 0.33 },
};
