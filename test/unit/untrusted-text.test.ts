import { describe, expect, it } from "vitest";
import { jsonForComment, render, unrender } from "../../src/tasks/untrusted-text.js";

describe("untrusted text", () => {
  it.each([
    "hello @team and @octocat",
    "closes #12, fixes other/repo#3 and resolves GH-4",
    "<!-- hidden --> text",
    "email a@b.com, price #1 ranking, C# code",
  ])("render/unrender round-trips %j", (text) => {
    expect(unrender(render(text))).toBe(text);
  });

  it("leaves e-mail addresses and C# alone", () => {
    expect(render("mail a@b.com in C#")).toBe("mail a@b.com in C#");
  });

  it("JSON for an HTML comment can never close the comment", () => {
    const json = jsonForComment({ text: "--> <script>&" });
    expect(json).not.toContain("-->");
    expect(json).not.toContain("<");
    expect(JSON.parse(json)).toEqual({ text: "--> <script>&" });
  });
});
