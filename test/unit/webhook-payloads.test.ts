import { describe, expect, it } from "vitest";
import { readDelivery, type Delivery } from "../../src/github/webhook-payloads.js";
import { EXAMPLES_REPO, githubExample } from "../support/inbound-webhooks.js";

const delivery = (name: string, payload: unknown): Delivery => ({ id: "d-1", name, payload });
const read = (name: string, payload: unknown) =>
  readDelivery(delivery(name, payload), EXAMPLES_REPO);

/** GitHub's two views of one sub-issue link, in the shape of its webhook-sub-issues-* schemas. */
function subIssuesPayload(action: string) {
  const opened = githubExample("issues", "opened");
  const issue = (number: number) => ({
    ...(opened.issue as object),
    number,
    id: 1_000_000 + number,
  });
  const repo = opened.repository;
  return {
    action,
    parent_issue: issue(1),
    parent_issue_repo: repo,
    sub_issue: issue(2),
    sub_issue_repo: repo,
    sender: opened.sender,
  };
}

describe("readDelivery: each GitHub webhook parsed once, into what Baton reads", () => {
  it.each(["opened", "edited", "closed", "reopened", "labeled", "unlabeled", "deleted"])(
    "GitHub's issues.%s example is an issue change",
    (action) => {
      const payload = githubExample("issues", action === "closed" ? "opened" : action);
      if (action === "closed") payload.action = "closed";
      const read_ = read("issues", payload);
      expect(read_).toMatchObject({ kind: "issue", action, sender: { login: "Codertocat" } });
    },
  );

  it("an edit carries what the body and title were", () => {
    const read_ = read("issues", githubExample("issues", "edited"));
    expect(read_.kind === "issue" && read_.changes).toBeTruthy();
  });

  it("a labeled issue carries the label", () => {
    const read_ = read("issues", githubExample("issues", "labeled"));
    expect(read_.kind === "issue" && read_.label).toEqual({ name: "bug" });
  });

  it.each(["pinned", "locked", "milestoned"])("issues.%s changes no task", (action) => {
    expect(read("issues", githubExample("issues", action))).toEqual({
      kind: "ignore",
      reason: `issues.${action} changes no task`,
    });
  });

  it("a new comment is a comment; an edited one is not a task event", () => {
    expect(read("issue_comment", githubExample("issue_comment", "created"))).toMatchObject({
      kind: "comment",
      comment: { user: { login: "Codertocat" } },
    });
    expect(read("issue_comment", githubExample("issue_comment", "edited"))).toEqual({
      kind: "ignore",
      reason: "issue_comment.edited is not a task event",
    });
  });

  it("one sub-issue link, reported twice by GitHub, is read once", () => {
    expect(read("sub_issues", subIssuesPayload("sub_issue_added"))).toMatchObject({
      kind: "link",
      added: true,
      parent: { number: 1 },
      child: { number: 2 },
    });
    expect(read("sub_issues", subIssuesPayload("sub_issue_removed"))).toMatchObject({
      kind: "link",
      added: false,
    });
    expect(read("sub_issues", subIssuesPayload("parent_issue_added"))).toEqual({
      kind: "ignore",
      reason: "sub_issues.parent_issue_added repeats the link",
    });
  });

  it("a label webhook is read for the label cache", () => {
    expect(read("label", githubExample("label", "edited"))).toMatchObject({
      kind: "label",
      action: "edited",
    });
  });

  it("another repository's webhook is foreign, whatever it says", () => {
    const payload = githubExample("issues", "opened");
    expect(readDelivery(delivery("issues", payload), "acme/tasks")).toEqual({
      kind: "foreign",
      repository: EXAMPLES_REPO,
    });
    const link = subIssuesPayload("sub_issue_added");
    link.parent_issue_repo = { full_name: "acme/other" } as typeof link.parent_issue_repo;
    expect(read("sub_issues", link)).toEqual({ kind: "foreign", repository: "acme/other" });
  });

  it("an unreadable payload is named, not thrown", () => {
    expect(read("issues", { action: "opened" })).toEqual({
      kind: "ignore",
      reason: "unreadable issues payload",
      unreadable: true,
    });
    expect(read("push", {})).toEqual({ kind: "ignore", reason: "push webhooks change no task" });
  });
});
