/**
 * `npm run bench:chaos`: Baton under faults (issue #15). Prints one JSON object (last line).
 * - recovery (bench/chaos/recovery.ts): kill -9 during write bursts, downtime with changes on
 *   github.com, lost answers with failing lookups. `CHAOS_TRIALS` sets the number of trials.
 */
import { recovery } from "./chaos/recovery.js";

const figures = await recovery({ log: (line) => console.error(line) });
console.log(JSON.stringify(figures));
