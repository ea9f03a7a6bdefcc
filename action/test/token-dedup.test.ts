import { describe, expect, it } from "vitest";
import type { GitHubIssue } from "../../src/tasks/github-issue.js";
import { findDuplicate } from "../src/token-dedup.js";

const open = (number: number, title: string, body = ""): GitHubIssue => ({
  id: 1_000_000 + number,
  node_id: `I_${number}`,
  number,
  title,
  body,
  state: "open",
  labels: [],
  user: null,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  closed_at: null,
  html_url: `https://github.com/acme/tasks/issues/${number}`,
});

const issues = [
  open(1, "Renew TLS cert for api.example.com", "Expires in 7 days."),
  open(2, "Nightly link check is failing on docs"),
  open(3, "Upgrade Postgres to 16 on the billing cluster"),
  open(4, "Flaky test: checkout e2e times out"),
];

const duplicateOf = async (content: string, description?: string) =>
  (await findDuplicate({ content, description }, issues))?.number ?? null;

describe("token mode's duplicate check", () => {
  it("finds the same title whatever the case, punctuation or spacing", async () => {
    expect(await duplicateOf("nightly link-check is FAILING on docs!")).toBe(2);
  });

  it("finds reworded tasks with the server's lexical scorer", async () => {
    expect(await duplicateOf("Renew the TLS certificate for api.example.com")).toBe(1);
    expect(await duplicateOf("Upgrade postgres 16 on billing cluster")).toBe(3);
  });

  it("does not merge different work: another host, another subject", async () => {
    expect(await duplicateOf("Renew TLS cert for www.example.com")).toBeNull();
    expect(await duplicateOf("Write the 2.0 changelog")).toBeNull();
    expect(await duplicateOf("Rotate the deploy keys")).toBeNull();
  });

  it("an empty repository has no duplicates", async () => {
    expect(await findDuplicate({ content: "Anything" }, [])).toBeNull();
  });
});
