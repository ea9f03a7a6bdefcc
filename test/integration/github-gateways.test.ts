// The gateways in process, against the GitHub double: the requests GitHub receives, and how its
// failures leave the one error boundary (src/github/github-boundary.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isBatonError, type BatonError } from "../../src/errors.js";
import { IssueGateway } from "../../src/github/issue-gateway.js";
import { SubIssueGateway } from "../../src/github/sub-issue-gateway.js";
import { startGitHubDouble, type GitHubDouble } from "../support/github-double/index.ts";
import { clientFor } from "../support/github-double/test-client.ts";

interface SentRequest {
  request: string;
  body?: unknown;
}

let double: GitHubDouble;
let issues: IssueGateway;
let subIssues: SubIssueGateway;
let sent: SentRequest[];
let reads: string[];

beforeAll(async () => {
  double = await startGitHubDouble({ repo: "acme/tasks" });
  const octokit = clientFor(double);
  // Every write the gateways send, as GitHub receives it (reads are skipped).
  octokit.hook.before("request", (options) => {
    const { method, url, baseUrl, headers, request, mediaType, owner, repo, query, ...rest } =
      options as Record<string, unknown>;
    void [baseUrl, headers, request, mediaType, owner, repo];
    const operation = typeof query === "string" ? /(mutation|query)\s+(\w+)/.exec(query) : null;
    if (method === "GET") reads.push(String(url));
    if (method === "GET" || operation?.[1] === "query") return;
    const body = operation ? { operation: operation[2], variables: rest.variables } : rest;
    sent.push({ request: `${String(method)} ${String(url)}`, body });
  });
  issues = new IssueGateway({ owner: "acme", repo: "tasks", octokit: async () => octokit });
  subIssues = new SubIssueGateway({
    owner: "acme",
    repo: "tasks",
    octokit: async () => octokit,
    issues,
  });
});

afterAll(async () => {
  await double?.close();
});

beforeEach(() => {
  sent = [];
  reads = [];
  double.clearFaults();
});

/** The error a promise rejects with, as the API would answer it. */
async function failure(promise: Promise<unknown>): Promise<Partial<BatonError>> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isBatonError(error)) throw new Error(`expected a BatonError, got ${String(error)}`);
  return { status: error.status, code: error.code, retryAfter: error.retryAfter };
}

const write = { title: "Rotate keys", body: "", labels: [] as string[] };

describe("GitHub errors at the one boundary", () => {
  it("maps an outage to 503 github_unavailable with Retry-After", async () => {
    double.injectFault({
      route: "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
      kind: "status",
      status: 502,
    });
    const issue = await issues.createIssue(write, "n-outage");
    expect(await failure(issues.updateIssue(issue.number, { title: "x" }))).toEqual({
      status: 503,
      code: "github_unavailable",
      retryAfter: 5,
    });
  });

  it("maps a secondary rate limit to 503 github_rate_limited with GitHub's Retry-After", async () => {
    double.injectFault({
      route: "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      kind: "secondary_rate_limit",
      retryAfter: 42,
    });
    expect(await failure(issues.createComment(1, "hello"))).toEqual({
      status: 503,
      code: "github_rate_limited",
      retryAfter: 42,
    });
  });

  it("maps 403 to 502 github_forbidden and 422 to github_validation_failed", async () => {
    double.injectFault({
      route: "PATCH /repos/{owner}/{repo}/labels/{name}",
      kind: "status",
      status: 403,
    });
    expect(await failure(issues.updateLabel("bug", { color: "ff0000" }))).toMatchObject({
      status: 502,
      code: "github_forbidden",
    });
    double.injectFault({
      route: "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
      kind: "status",
      status: 422,
    });
    expect(await failure(issues.updateIssue(1, { title: "x" }))).toMatchObject({
      status: 422,
      code: "github_validation_failed",
    });
  });

  it("reads a missing issue as null, and a missing label's delete as done", async () => {
    expect(await issues.getIssue(999)).toBeNull();
    await expect(issues.deleteLabel("never-made")).resolves.toBeUndefined();
  });

  it("finds a created issue again by its nonce when GitHub's answer is lost", async () => {
    double.injectFault({
      route: "POST /repos/{owner}/{repo}/issues",
      kind: "status",
      status: 502,
      when: "after",
    });
    const body = '<!-- baton:v1 {"nonce":"n-lost"} -->';
    const issue = await issues.createIssue({ ...write, body }, "n-lost");
    expect(issue.body).toBe(body);
    expect(sent.filter((r) => r.request.startsWith("POST"))).toHaveLength(1);
    expect(reads).toContain("/repos/{owner}/{repo}/issues");
  });

  it("does not look for a nonce when GitHub refused the create", async () => {
    double.injectFault({ route: "POST /repos/{owner}/{repo}/issues", kind: "status", status: 422 });
    expect(await failure(issues.createIssue(write, "n-refused"))).toMatchObject({
      status: 422,
      code: "github_validation_failed",
    });
    expect(reads).not.toContain("/repos/{owner}/{repo}/issues");
  });

  it("maps a GraphQL outage on a sub-issue create the same way", async () => {
    const parent = await issues.createIssue(write, "n-parent");
    double.injectFault({ route: "graphql:createIssue", kind: "status", status: 503 });
    expect(
      await failure(
        subIssues.createSubIssue(
          write,
          { number: parent.number, nodeId: parent.node_id! },
          "n-gql",
        ),
      ),
    ).toEqual({ status: 503, code: "github_unavailable", retryAfter: 5 });
  });
});
