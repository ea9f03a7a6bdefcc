import { describe, expect, it } from "vitest";
import type { GitHubIssue } from "../../src/tasks/github-issue.js";
import { encodeTask, TaskMetaSchema } from "../../src/tasks/issue-codec.js";
import { checkDuplicates } from "../src/token-dedup.js";

/** An open task issue as the server writes it; `chain` makes it a delegated child. */
const open = (
  number: number,
  title: string,
  body = "",
  chain?: { root: number; parent: number },
): GitHubIssue => {
  const meta = TaskMetaSchema.parse({ created_by: "builder", ...chain, depth: chain ? 1 : 0 });
  const encoded = encodeTask({
    content: title,
    description: body || null,
    priority: 2,
    labels: [],
    projectSlug: null,
    assignee: null,
    status: "open",
    meta,
  });
  return {
    id: 1_000_000 + number,
    node_id: `I_${number}`,
    number,
    title: encoded.title,
    body: encoded.body,
    state: "open",
    labels: encoded.labels.map((name) => ({ name })),
    user: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    closed_at: null,
    html_url: `https://github.com/acme/tasks/issues/${number}`,
  };
};

const issues = [
  open(1, "Renew TLS cert for api.example.com", "Expires in 7 days."),
  open(2, "Nightly link check is failing on docs"),
  open(3, "Upgrade Postgres to 16 on the billing cluster"),
  open(4, "Flaky test: checkout e2e times out"),
  open(5, "Fix the login page crash on Safari"),
  open(6, "Write a regression test for the Safari login crash", "", { root: 5, parent: 5 }),
];

/** The check's answer in short: the sure duplicate's number and the possible ones'. */
const check = async (content: string, parentId?: number) => {
  const found = await checkDuplicates({ content }, issues, { parentId });
  return {
    duplicate: found.duplicate?.number ?? null,
    possible: found.possible.map((match) => match.task_id),
  };
};
const none = { duplicate: null, possible: [] };

describe("token mode's duplicate check: the server's two levels", () => {
  it("the same work is a duplicate, whatever the case, punctuation, wording or order", async () => {
    expect(await check("nightly link-check is FAILING on docs!")).toEqual({
      duplicate: 2,
      possible: [],
    });
    expect((await check("Renew the TLS certificate for api.example.com")).duplicate).toBe(1);
    expect((await check("Upgrade postgres 16 on billing cluster")).duplicate).toBe(3);
    expect((await check("Docs link check fails nightly")).duplicate).toBe(2);
  });

  it("similar but not sure is only possible: the task is created and names the open one", async () => {
    expect(await check("Renew the certificate for api.example.com")).toEqual({
      duplicate: null,
      possible: [1],
    });
    expect(await check("Upgrade Postgres on the billing database cluster to version 16")).toEqual({
      duplicate: null,
      possible: [3],
    });
  });

  it("different work is neither: another host, another action, another subject", async () => {
    expect(await check("Renew TLS cert for www.example.com")).toEqual(none);
    expect(await check("Reproduce the login page crash on Safari 17")).toEqual(none);
    expect(await check("Write the 2.0 changelog")).toEqual(none);
    expect(await check("Rotate the deploy keys")).toEqual(none);
  });

  it("a delegated child is never compared with its parent's chain", async () => {
    // As a new root task it is the same work as #5; delegated under #5 (or under its child #6), not.
    expect((await check("Fix the Safari crash on the login page")).duplicate).toBe(5);
    expect(await check("Fix the Safari crash on the login page", 5)).toEqual(none);
    expect(await check("Fix the Safari crash on the login page", 6)).toEqual(none);
    // Tasks of other chains are still compared.
    expect((await check("Nightly link check fails on the docs site", 5)).duplicate).toBe(2);
  });

  it("an empty repository has no duplicates", async () => {
    expect(await checkDuplicates({ content: "Anything" }, [])).toEqual({
      duplicate: null,
      possible: [],
    });
  });
});
