// GraphQL on the double: createIssue with a parent, nested reads, errors, and the control API/CLI.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { GraphqlResponseError } from "@octokit/graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubDouble, type GitHubDouble } from "../support/github-double/index.ts";
import { clientFor, type TestOctokit } from "../support/github-double/test-client.ts";

interface IssueNode {
  id: string;
  number: number;
  title: string;
  parent: IssueNode | null;
}

let double: GitHubDouble;
let app: TestOctokit;
let repositoryId: string;

beforeAll(async () => {
  double = await startGitHubDouble({ repo: "acme/tasks" });
  app = clientFor(double);
  const result = await app.graphql<{ repository: { id: string } }>(
    `query { repository(owner: "acme", name: "tasks") { id } }`,
  );
  repositoryId = result.repository.id;
});

afterAll(async () => {
  await double.close();
});

const CREATE = `mutation CreateTask($repositoryId: ID!, $title: String!, $parentIssueId: ID, $labelIds: [ID!]) {
  createIssue(input: { repositoryId: $repositoryId, title: $title, parentIssueId: $parentIssueId, labelIds: $labelIds }) {
    issue { id number title parent { number } }
  }
}`;

async function create(title: string, parentIssueId?: string): Promise<IssueNode> {
  const result = await app.graphql<{ createIssue: { issue: IssueNode } }>(CREATE, {
    repositoryId,
    title,
    parentIssueId,
  });
  return result.createIssue.issue;
}

describe("GraphQL", () => {
  it("creates and links in one request, and reads a chain through parent and subIssues", async () => {
    double.resetRequests();
    const root = await create("root");
    const mid = await create("mid", root.id);
    const leaf = await create("leaf", mid.id);
    expect(leaf.parent?.number).toBe(mid.number);
    expect(double.requests.map((r) => r.graphqlOperation)).toEqual([
      "CreateTask",
      "CreateTask",
      "CreateTask",
    ]);

    const read = await app.graphql<{
      repository: { issue: { parent: { title: string; parent: { title: string; parent: null } } } };
    }>(
      `query($n: Int!) { repository(owner: "acme", name: "tasks") { issue(number: $n) {
         author { login } state stateReason
         parent { title parent { title parent { title } } } } } }`,
      { n: leaf.number },
    );
    expect(read.repository.issue).toMatchObject({
      author: { login: "baton" },
      state: "OPEN",
      parent: { title: "mid", parent: { title: "root", parent: null } },
    });

    const tree = await app.graphql<{
      node: {
        subIssues: { totalCount: number; nodes: { title: string }[] };
        subIssuesSummary: { total: number };
      };
    }>(
      `query($id: ID!) { node(id: $id) { ... on Issue { subIssues(first: 10) { totalCount nodes { title } pageInfo { hasNextPage } } subIssuesSummary { total completed percentCompleted } } } }`,
      { id: root.id },
    );
    expect(tree.node.subIssues).toMatchObject({ totalCount: 1, nodes: [{ title: "mid" }] });
    expect(double.state.subIssueLinks()).toEqual(
      expect.arrayContaining([
        { parent: root.number, child: mid.number },
        { parent: mid.number, child: leaf.number },
      ]),
    );
  });

  it("refuses a 9th level without creating the issue", async () => {
    let parent = await create("L1");
    for (let level = 2; level <= 8; level++) parent = await create(`L${level}`, parent.id);
    const before = double.state.issues.size;
    const error = await app
      .graphql(CREATE, { repositoryId, title: "L9", parentIssueId: parent.id })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(GraphqlResponseError);
    expect((error as GraphqlResponseError<unknown>).errors?.[0]).toMatchObject({
      type: "UNPROCESSABLE",
    });
    expect(double.state.issues.size).toBe(before);
  });

  it("runs issue mutations and reports NOT_FOUND like GitHub", async () => {
    const issue = await create("mutable");
    await app.graphql(
      `mutation($id: ID!) { updateIssue(input: { id: $id, body: "new body" }) { issue { body } } }`,
      { id: issue.id },
    );
    const closed = await app.graphql<{
      closeIssue: { issue: { state: string; stateReason: string } };
    }>(
      `mutation($id: ID!) { closeIssue(input: { issueId: $id, stateReason: NOT_PLANNED }) { issue { state stateReason } } }`,
      { id: issue.id },
    );
    expect(closed.closeIssue.issue).toEqual({ state: "CLOSED", stateReason: "NOT_PLANNED" });
    const comment = await app.graphql<{ addComment: { commentEdge: { node: { body: string } } } }>(
      `mutation($id: ID!) { addComment(input: { subjectId: $id, body: "done" }) { commentEdge { node { body } } } }`,
      { id: issue.id },
    );
    expect(comment.addComment.commentEdge.node.body).toBe("done");
    const missing = await app
      .graphql(
        `query { repository(owner: "acme", name: "tasks") { issue(number: 424242) { id } } }`,
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((missing as GraphqlResponseError<unknown>).errors?.[0]).toMatchObject({
      type: "NOT_FOUND",
      path: ["repository", "issue"],
    });
    const unpaginated = await app
      .graphql(`query { repository(owner: "acme", name: "tasks") { issues { totalCount } } }`)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((unpaginated as GraphqlResponseError<unknown>).errors?.[0]?.message).toContain("first");
  });

  it("lists issues with states, labels and orderBy", async () => {
    const { data: label } = await app.rest.issues.createLabel({
      owner: "acme",
      repo: "tasks",
      name: "gql:pick",
      color: "111111",
    });
    await app.graphql(CREATE, { repositoryId, title: "picked", labelIds: [label.node_id] });
    const result = await app.graphql<{
      repository: {
        issues: {
          totalCount: number;
          nodes: { title: string; labels: { nodes: { name: string }[] } }[];
        };
      };
    }>(
      `query { repository(owner: "acme", name: "tasks") { issues(first: 10, states: [OPEN], labels: ["gql:pick"], orderBy: { field: CREATED_AT, direction: DESC }) {
        totalCount nodes { title labels(first: 5) { nodes { name } } } } } }`,
    );
    expect(result.repository.issues).toEqual({
      totalCount: 1,
      nodes: [{ title: "picked", labels: { nodes: [{ name: "gql:pick" }] } }],
    });
  });
});

describe("CLI and control endpoints", () => {
  it("starts, answers /_double/*, and stops on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "test/support/github-double/cli.ts",
        "--port",
        "0",
        "--repo",
        "acme/cli",
        "--collaborators",
        "bob",
      ],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      const [line] = (await once(child.stdout, "data")) as [Buffer];
      const { url, host, port } = JSON.parse(line.toString("utf8")) as {
        url: string;
        host: string;
        port: number;
      };
      expect(host).toBe(`127.0.0.1:${port}`);
      const call = (path: string, init?: RequestInit): Promise<Response> =>
        fetch(`${url}${path}`, init);
      const post = (path: string, body: unknown): Promise<Response> =>
        call(path, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "token user:bob" },
          body: JSON.stringify(body),
        });

      expect(
        (
          await post("/_double/faults", {
            kind: "status",
            status: 503,
            route: "POST /repos/{owner}/{repo}/issues",
          })
        ).status,
      ).toBe(204);
      expect((await post("/api/v3/repos/acme/cli/issues", { title: "x" })).status).toBe(503);
      const created = await post("/api/v3/repos/acme/cli/issues", { title: "x" });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ author_association: "COLLABORATOR" });
      const requests = (await (await call("/_double/requests")).json()) as { status: number }[];
      expect(requests.map((r) => r.status)).toEqual([503, 201]);
      const state = (await (await call("/_double/state")).json()) as { issues: unknown[] };
      expect(state.issues).toHaveLength(1);
      expect((await call("/_double/idle", { method: "POST" })).status).toBe(200);
      expect((await call("/_double/requests/reset", { method: "POST" })).status).toBe(204);
      expect(await (await call("/_double/requests")).json()).toEqual([]);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  });
});
