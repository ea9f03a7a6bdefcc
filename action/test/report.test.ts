import { describe, expect, it } from "vitest";
import { outputsFor, summaryFor } from "../src/report.js";
import type { OperationResult } from "../src/operations.js";

const task = {
  id: 12,
  url: "https://github.com/acme/tasks/issues/12",
  status: "open" as const,
  content: "Fix [docs](x) *now* <b>",
};

describe("outputs and job summary", () => {
  it("links the task, with its text unable to break the Markdown", () => {
    const result: OperationResult = {
      operation: "create",
      task,
      duplicateOf: null,
      commentUrl: null,
    };
    expect(summaryFor(result, "token")).toMatchInlineSnapshot(`
      "### Baton: Created task

      [#12 Fix \\[docs\\](x) \\*now\\* \\<b\\>](https://github.com/acme/tasks/issues/12): status \`open\`.

      _Directly on the issues (token mode)._
      "
    `);
    expect(outputsFor(result)).toEqual({
      "task-id": "12",
      "task-url": "https://github.com/acme/tasks/issues/12",
      status: "open",
      "duplicate-of": "",
    });
  });

  it("a duplicate says nothing was created and names the open task", () => {
    const result: OperationResult = {
      operation: "create",
      task,
      duplicateOf: task,
      commentUrl: null,
    };
    expect(summaryFor(result, "rest")).toContain("duplicate found, nothing created");
    expect(outputsFor(result)["duplicate-of"]).toBe("12");
  });

  it("shows a claim's lease and token, and a heartbeat without a token only its lease", () => {
    const lease = "2026-12-07T12:00:00.000Z";
    const claimed: OperationResult = {
      operation: "claim",
      task,
      duplicateOf: null,
      commentUrl: null,
      claim: { token: 7, leaseExpiresAt: lease },
    };
    const renewed: OperationResult = {
      ...claimed,
      operation: "heartbeat",
      claim: { token: null, leaseExpiresAt: lease },
    };
    expect(summaryFor(claimed, "rest")).toContain(`Lease until ${lease}; claim token 7.`);
    expect(summaryFor(renewed, "rest")).toContain(`Lease until ${lease}.\n`);
    expect(summaryFor(renewed, "rest")).not.toContain("claim token");
  });
});
