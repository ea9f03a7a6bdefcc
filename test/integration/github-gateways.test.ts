// The gateways in process, against the GitHub double: the requests GitHub receives, and how its
// failures leave the one error boundary (src/github/github-boundary.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isBatonError, type BatonError } from "../../src/errors.js";
import { IssueGateway } from "../../src/github/issue-gateway.js";
import { SubIssueGateway } from "../../src/github/sub-issue-gateway.js";
import { startGitHubDouble, type GitHubDouble } from "../support/github-double/index.ts";
import { clientFor } from "../support/github-double/test-client.ts";
import {
  recordRequests,
  type RecordedRequests,
} from "../support/github-double/recorded-requests.ts";

let double: GitHubDouble;
let issues: IssueGateway;
let subIssues: SubIssueGateway;
let recorded: RecordedRequests;

beforeAll(async () => {
  double = await startGitHubDouble({ repo: "acme/tasks" });
  const octokit = clientFor(double);
  recorded = recordRequests(octokit);
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
  recorded.clear();
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

describe("IssueGateway writes", () => {
  it("creates the labels an issue uses first, with their fixed colours, then the issue", async () => {
    const issue = await issues.createIssue(
      { title: "Ship 2.0", body: "notes", labels: ["priority:high", "agent:builder"] },
      "n-labels",
    );
    expect(issue.labels.map((label) => label.name)).toEqual(["priority:high", "agent:builder"]);
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "color": "f9a03f",
            "description": "Baton task priority 3 of 4",
            "name": "priority:high",
          },
          "request": "POST /repos/{owner}/{repo}/labels",
        },
        {
          "body": {
            "color": "1d76db",
            "description": "Baton: held by agent builder",
            "name": "agent:builder",
          },
          "request": "POST /repos/{owner}/{repo}/labels",
        },
        {
          "body": {
            "body": "notes",
            "labels": [
              "priority:high",
              "agent:builder",
            ],
            "title": "Ship 2.0",
          },
          "request": "POST /repos/{owner}/{repo}/issues",
        },
      ]
    `);
  });

  it("an update and a comment are one request each, with only the fields given", async () => {
    const issue = await issues.createIssue(write, "n-update");
    recorded.clear();
    await issues.updateIssue(issue.number, { state: "closed", state_reason: "completed" });
    await issues.createComment(issue.number, "Done in #12");
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "issue_number": 2,
            "state": "closed",
            "state_reason": "completed",
          },
          "request": "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        },
        {
          "body": {
            "body": "Done in #12",
            "issue_number": 2,
          },
          "request": "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
        },
      ]
    `);
    const again = await issues.getIssue(issue.number);
    expect(again?.state).toBe("closed");
  });
});

describe("SubIssueGateway", () => {
  it("creates a linked child in one mutation and reads the tree back, parents first", async () => {
    const parent = await issues.createIssue(write, "n-tree-parent");
    recorded.clear();
    const child = await subIssues.createSubIssue(
      { title: "Write the changelog", body: "", labels: [] },
      { number: parent.number, nodeId: parent.node_id },
      "n-tree-child",
    );
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "operation": "BatonRepository",
            "variables": {
              "name": "tasks",
              "owner": "acme",
            },
          },
          "request": "POST /api/graphql",
        },
        {
          "body": {
            "operation": "BatonCreateSubIssue",
            "variables": {
              "input": {
                "body": "",
                "clientMutationId": "n-tree-child",
                "labelIds": [],
                "parentIssueId": "I_kwDOSXNzdWU6Mw",
                "repositoryId": "R_kgDOUmVwb3NpdG9yeTphY21lL3Rhc2tz",
                "title": "Write the changelog",
              },
            },
          },
          "request": "POST /api/graphql",
        },
      ]
    `);
    const tree = await subIssues.readTree(parent.number);
    expect(tree.map((t) => [t.issue.number, t.parent, t.level])).toEqual([
      [parent.number, null, 0],
      [child.number, parent.number, 1],
    ]);
  });

  it("links an existing issue under a parent by node ids", async () => {
    const parent = await issues.createIssue(write, "n-link-parent");
    const orphan = await issues.createIssue(write, "n-link-child");
    recorded.clear();
    await subIssues.addSubIssue(parent.node_id, orphan.node_id);
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "operation": "BatonAddSubIssue",
            "variables": {
              "child": "I_kwDOSXNzdWU6Ng",
              "parent": "I_kwDOSXNzdWU6NQ",
            },
          },
          "request": "POST /api/graphql",
        },
      ]
    `);
    expect((await issues.listSubIssues(parent.number)).map((i) => i.number)).toEqual([
      orphan.number,
    ]);
  });
});

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
    expect(recorded.sent.filter((r) => r.request.startsWith("POST"))).toHaveLength(1);
    expect(recorded.reads).toContain("/repos/{owner}/{repo}/issues");
  });

  it("does not look for a nonce when GitHub refused the create", async () => {
    double.injectFault({ route: "POST /repos/{owner}/{repo}/issues", kind: "status", status: 422 });
    expect(await failure(issues.createIssue(write, "n-refused"))).toMatchObject({
      status: 422,
      code: "github_validation_failed",
    });
    expect(recorded.reads).not.toContain("/repos/{owner}/{repo}/issues");
  });

  it("maps a GraphQL outage on a sub-issue create the same way", async () => {
    const parent = await issues.createIssue(write, "n-parent");
    double.injectFault({ route: "graphql:createIssue", kind: "status", status: 503 });
    expect(
      await failure(
        subIssues.createSubIssue(write, { number: parent.number, nodeId: parent.node_id }, "n-gql"),
      ),
    ).toEqual({ status: 503, code: "github_unavailable", retryAfter: 5 });
  });
});
