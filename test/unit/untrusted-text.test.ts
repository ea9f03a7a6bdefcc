import { describe, expect, it } from "vitest";
import { jsonForComment, render, unrender } from "../../src/tasks/untrusted-text.js";

/** What GitHub would link after decoding entities: a mention, a `#n` reference or an issue URL. */
function liveReferences(shown: string): string[] {
  const decoded = shown
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&commat;/gi, "@")
    .replace(/&num;/gi, "#");
  return [
    ...decoded.matchAll(/(?:^|[^A-Za-z0-9_`])@[A-Za-z0-9-]+/g),
    ...decoded.matchAll(/(?:^|[^&\w])#\d+/g),
    ...decoded.matchAll(/https?:\/\/\S+\/(?:issues|pull|pulls)\/\d+/g),
  ].map((m) => m[0].trim());
}

describe("untrusted text", () => {
  const hostile = [
    "hello @team and @octocat",
    "closes #12, fixes other/repo#3 and resolves GH-4",
    "ping &#64;alice and &#x40;alice and &#X40;alice and &commat;alice",
    "closes &#35;1 and &num;2",
    "café@alice 你好@alice ü@bob",
    "see https://github.com/acme/tasks/issues/12 and https://github.com/acme/tasks/pull/7",
    "https://ghe.example.com/acme/tasks/pulls/3 fixes it",
  ];

  it.each(hostile)("renders %j with no live mention or reference", (text) => {
    expect(liveReferences(text).length).toBeGreaterThan(0);
    expect(liveReferences(render(text))).toEqual([]);
  });

  it.each([
    ...hostile,
    "<!-- hidden --> text, &lt;!-- typed as an entity",
    "email a@b.com, price #1 ranking, C# code",
    "AT&T and &amp; stay as typed",
  ])("render/unrender round-trips %j", (text) => {
    expect(unrender(render(text))).toBe(text);
  });

  it("leaves e-mail addresses, C#, plain ampersands and other URLs alone", () => {
    expect(render("mail a@b.com in C#, R&D, https://example.com/docs/12")).toBe(
      "mail a@b.com in C#, R&D, https://example.com/docs/12",
    );
  });

  it("JSON for an HTML comment can never close the comment", () => {
    const json = jsonForComment({ text: "--> <script>&" });
    expect(json).not.toContain("-->");
    expect(json).not.toContain("<");
    expect(JSON.parse(json)).toEqual({ text: "--> <script>&" });
  });
});
