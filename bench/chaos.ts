/**
 * `npm run bench:chaos`: Baton under faults (issue #15), offline against the GitHub double. Each
 * part lives in bench/chaos/*.ts and returns its figures; the last line printed is one JSON object
 * with all of them.
 * - recovery: kill -9 during write bursts, downtime with changes on github.com, lost answers with
 *   failing lookups (`CHAOS_TRIALS` sets the number of trials).
 * - fuzz: seeded requests over every OpenAPI route.
 * - slow GitHub: answers under a GitHub that takes longer than the deadline.
 */
import { fuzzFigures } from "./chaos/fuzz.js";
import { recovery } from "./chaos/recovery.js";
import { slowGithubFigures } from "./chaos/slow-github.js";

const figures = {
  ...(await recovery({ log: (line) => console.error(line) })),
  ...(await fuzzFigures()),
  ...(await slowGithubFigures()),
};
console.log(JSON.stringify(figures));
