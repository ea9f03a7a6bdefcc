import { describe, expect, it } from "vitest";
import { envelopeFor } from "../../src/http/error-envelope-wrap.js";
import { MAX_JSON_DEPTH, jsonDepth } from "../../src/http/request-guards.js";
import { checkWriteSize } from "../../src/github/github-limits.js";

describe("JSON depth", () => {
  it("measures nesting without recursion, even thousands deep", () => {
    expect(jsonDepth("x")).toBe(0);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
    const deep = JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`) as unknown;
    expect(jsonDepth(deep)).toBe(MAX_JSON_DEPTH + 1);
  });
});

describe("the envelope for answers Baton did not write", () => {
  it("wraps Probot's error bodies and empty 404s, and leaves an envelope alone", () => {
    expect(JSON.parse(envelopeFor(400, '{"error":"Required headers missing"}')!)).toEqual({
      error: "Required headers missing",
      code: "bad_request",
      status: 400,
    });
    expect(JSON.parse(envelopeFor(404, "")!)).toEqual({
      error: "Not Found",
      code: "not_found",
      status: 404,
    });
    // A server error never passes its text on.
    expect(
      JSON.parse(envelopeFor(500, '{"error":"at Object.<anonymous> (/srv/x.js:1)"}')!),
    ).toEqual({ error: "Internal error", code: "internal_error", status: 500 });
    expect(
      envelopeFor(422, '{"error":"x","code":"validation_failed","status":422}'),
    ).toBeUndefined();
  });
});

describe("GitHub's limits", () => {
  it("refuses a body, title or label GitHub would refuse, before any request", () => {
    expect(() => checkWriteSize({ body: "x".repeat(65_536), labels: ["ok"] })).not.toThrow();
    expect(() => checkWriteSize({ body: "x".repeat(65_537) })).toThrow(
      expect.objectContaining({ status: 422, code: "too_large_for_github" }),
    );
    expect(() => checkWriteSize({ title: "t".repeat(257) })).toThrow(/title/);
    expect(() => checkWriteSize({ labels: ["l".repeat(51)] })).toThrow(/label/);
  });
});
