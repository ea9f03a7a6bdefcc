/**
 * `npm run bench:chaos`: Baton under bad input and a slow GitHub (issue #15), offline against the
 * GitHub double. Each part lives in bench/chaos/*.ts and returns its figures; the last line
 * printed is one JSON object with all of them.
 */
import { fuzzFigures } from "./chaos/fuzz.js";
import { slowGithubFigures } from "./chaos/slow-github.js";

const figures = {
  ...(await fuzzFigures()),
  ...(await slowGithubFigures()),
};
console.log(JSON.stringify(figures));
