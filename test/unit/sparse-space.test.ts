// The TF-IDF space the lexical dedup method scores in: whatever order tasks come and go in (and
// however many index rebuilds that crosses), a query scores as it would against a fresh space.
import { describe, expect, it } from "vitest";
import { SparseSpace } from "../../src/dedup/sparse-space.js";

const terms = (text: string) =>
  new Map(
    [...new Set(text.split(" "))].map((word) => [
      word,
      text.split(" ").filter((w) => w === word).length,
    ]),
  );

const WORDS = ["restart", "nginx", "rotate", "tls", "certificate", "api", "db", "queue", "drain"];
/** Task n's text: a few words picked by n, some repeated. */
const text = (n: number) =>
  Array.from({ length: 3 + (n % 4) }, (_, k) => WORDS[(n * 5 + k * k) % WORDS.length]).join(" ");

function scores(space: SparseSpace, query: string, slots: number): number[] {
  const out = new Float64Array(slots);
  const touched = new Int32Array(slots);
  space.accumulate(space.vectorise(terms(query)), 1, out, touched, 0);
  return [...out].map((score) => Math.round(score * 1e6) / 1e6);
}

describe("SparseSpace", () => {
  it("after 300 adds and removes (several rebuilds) and a last rebuild, scores equal a space built from the survivors", () => {
    const churned = new SparseSpace();
    for (let n = 0; n < 200; n++) churned.add(n, terms(text(n)));
    for (let n = 0; n < 200; n += 3) churned.remove(n);
    for (let n = 0; n < 40; n++) churned.add(n * 3, terms(text(n + 1000)));
    // Tasks added since the last rebuild keep the weights they were added with; a rebuild
    // (here an empty batch) brings every weight up to date.
    churned.batch(() => undefined);

    const fresh = new SparseSpace();
    fresh.batch(() => {
      for (let n = 0; n < 200; n++) if (n % 3 !== 0) fresh.add(n, terms(text(n)));
      for (let n = 0; n < 40; n++) fresh.add(n * 3, terms(text(n + 1000)));
    });

    for (const query of ["restart nginx", "rotate tls certificate api", "drain queue db db"]) {
      const got = scores(churned, query, 200);
      expect(got).toEqual(scores(fresh, query, 200));
      expect(got.filter((score) => score > 0).length).toBeGreaterThan(10);
    }
    // Removed and never re-added: no score at all.
    expect(
      scores(churned, "restart nginx", 200).filter((_, slot) => slot >= 120 && slot % 3 === 0),
    ).toEqual(Array.from({ length: 27 }, () => 0));
  });
});
