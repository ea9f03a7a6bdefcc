import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parentNumberOf } from "../../src/tasks/github-issue.js";
import { IssuesPayloadSchema, SubIssuesPayloadSchema } from "../../src/github/webhook-payloads.js";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as {
  name: string;
  examples: { action?: string }[];
}[];

describe("webhook payloads the lifecycle reads", () => {
  const issues = examples
    .find((e) => e.name === "issues")!
    .examples.filter((e) => ["opened", "closed", "reopened"].includes(e.action ?? ""));

  it.each(issues.map((e) => [e.action, e] as const))(
    "GitHub's issues.%s example parses",
    (_, e) => {
      const parsed = IssuesPayloadSchema.safeParse(e);
      expect(parsed.success).toBe(true);
      // Older payloads have no parent_issue_url: the lifecycle falls back to Baton's metadata.
      if (parsed.success) expect(parentNumberOf(parsed.data.issue)).toBeNull();
    },
  );

  it("a sub_issues payload (shape of GitHub's webhook-sub-issues-* schemas) parses", () => {
    const payload = {
      action: "parent_issue_added",
      parent_issue_id: 1000001,
      parent_issue: { number: 1 },
      parent_issue_repo: { full_name: "acme/tasks" },
      sub_issue_id: 1000002,
      sub_issue: { number: 2 },
      sub_issue_repo: { full_name: "acme/tasks" },
    };
    expect(SubIssuesPayloadSchema.parse(payload)).toMatchObject({
      parent_issue: { number: 1 },
      sub_issue: { number: 2 },
    });
  });
});
