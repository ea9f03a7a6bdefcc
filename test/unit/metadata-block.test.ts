import { describe, expect, it } from "vitest";
import {
  believedIssue,
  blockOf,
  editorOf,
  onlyBlockEdited,
  withBlock,
} from "../../src/tasks/metadata-block.js";

const B1 = '<!-- baton:v1 {"created_by":"w1"} -->';
const B2 = '<!-- baton:v1 {"created_by":"w2"} -->';
const body = (block: string, text = "Do it.") =>
  `> Baton task · created by **w1**\n\n${text}\n\n${block}`;
const issue = (over: Record<string, unknown> = {}) => ({
  number: 7,
  body: body(B2),
  labels: [{ name: "baton:task" }],
  user: { login: "alice", type: "User" },
  author_association: "COLLABORATOR",
  performed_via_github_app: null,
  ...over,
});

describe("the metadata block", () => {
  it("is read as the codec reads it (the last one), and put back in its place", () => {
    expect(blockOf(`${B1}\n\n${B2}`)).toBe(B2);
    expect(blockOf("no block")).toBeNull();
    expect(withBlock(body(B2), B1)).toBe(body(B1));
    // Added blocks go; a deleted one comes back at the end; text around stays.
    expect(withBlock(`text ${B2}\n\nmore\n\n${B2}`, B1)).toBe(`text \n\nmore\n\n${B1}`);
    expect(withBlock("text\r\n", B1)).toBe(`text\n\n${B1}`);
    expect(withBlock(null, B1)).toBe(B1);
    expect(withBlock(body(B2), null)).toBe("> Baton task · created by **w1**\n\nDo it.");
  });

  it("the block Baton last wrote wins; without a record, only one Baton or a writer could write", () => {
    expect(believedIssue(issue(), { block: B1, updated_at: "t" }, 1).body).toBe(body(B1));
    expect(believedIssue(issue(), { block: null, updated_at: "t" }, 1).body).toBe(
      "> Baton task · created by **w1**\n\nDo it.",
    );
    const same = issue();
    expect(believedIssue(same, undefined, 1)).toBe(same);
    const byApp = issue({ performed_via_github_app: { id: 1 }, author_association: "NONE" });
    expect(believedIssue(byApp, undefined, 1).body).toBe(body(B2));
    const stranger = issue({ user: { login: "mallory" }, author_association: "NONE" });
    expect(believedIssue(stranger, undefined, 1).body).not.toContain("baton:v1");
  });

  it("who edited: a bot is Baton; someone editing another's issue is a writer; an author by association", () => {
    const mine = { user: { login: "mallory" }, author_association: "NONE" };
    expect(editorOf({ login: "baton[bot]", type: "Bot" }, mine)).toBe("baton");
    expect(editorOf({ login: "alice", type: "User" }, mine)).toBe("writer");
    expect(editorOf({ login: "mallory", type: "User" }, mine)).toBe("stranger");
    expect(
      editorOf(
        { login: "alice" },
        { ...mine, user: { login: "alice" }, author_association: "OWNER" },
      ),
    ).toBe("writer");
  });

  it("an edit of the block alone is told from one of the text", () => {
    expect(onlyBlockEdited({ body: { from: body(B1) } }, body(B2))).toBe(true);
    expect(onlyBlockEdited({ body: { from: body(B1) } }, body(B1, "Other."))).toBe(false);
    expect(onlyBlockEdited({ title: { from: "x" }, body: { from: body(B1) } }, body(B2))).toBe(
      false,
    );
    expect(onlyBlockEdited({}, body(B2))).toBe(false);
  });
});
