import { describe, expect, it } from "vitest";
import { mergePatch } from "../../src/util/merge-patch.js";
import { paginate } from "../../src/http/pagination.js";

describe("merge patch (RFC 7386)", () => {
  it("merges nested objects and deletes keys set to null", () => {
    expect(
      mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1] }, { b: { c: null, x: 1 }, e: [2], f: "new" }),
    ).toEqual({
      a: 1,
      b: { d: 3, x: 1 },
      e: [2],
      f: "new",
    });
  });
});

describe("pagination", () => {
  it("slices and links like GitHub", () => {
    const items = Array.from({ length: 25 }, (_, i) => i);
    const { items: page, headers } = paginate(
      items,
      2,
      10,
      new URL("http://h/v1/tasks?limit=10&page=2&x=1"),
    );
    expect(page).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(headers.link).toContain('<http://h/v1/tasks?limit=10&page=3&x=1>; rel="next"');
    expect(headers.link).toContain('rel="last"');
    expect(headers.link).toContain('rel="prev"');
    expect(headers["x-total-count"]).toBe("25");
  });
});
