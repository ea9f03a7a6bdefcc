import { NO_CLAIM } from "../../src/tasks/lease-rules.js";
import { describe, expect, it } from "vitest";
import { BatonError } from "../../src/errors.js";
import { mapGraphqlError } from "../../src/github/map-graphql-error.js";
import { toRestIssue, type GraphqlIssue } from "../../src/github/graphql-issue.js";
import { parentNumberOf } from "../../src/tasks/github-issue.js";
import { NO_DEPENDENCIES } from "../../src/tasks/task-view.js";
import { buildChain, scopeTask } from "../../src/tasks/chain.js";
import { checkDelegation, childPosition, samePosition } from "../../src/tasks/delegation-rules.js";
import { TaskMetaSchema } from "../../src/tasks/issue-codec.js";
import type { Task } from "../../src/tasks/task-schema.js";

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as BatonError).code;
  }
};

describe("delegation limits", () => {
  const ok = { parentId: 1, parentCompleted: false, depth: 1, maxDepth: 5, children: 0 };
  it("passes inside the limits", () => expect(codeOf(() => checkDelegation(ok))).toBeUndefined());
  it.each([
    [{ parentCompleted: true }, "task_completed"],
    [{ depth: 6 }, "delegation_depth_exceeded"],
    [{ depth: 8, maxDepth: 99 }, "delegation_depth_exceeded"], // GitHub's 8 levels cap it at 7
    [{ children: 100 }, "too_many_children"],
  ])("%j → %s", (change, code) => {
    expect(codeOf(() => checkDelegation({ ...ok, ...change }))).toBe(code);
  });
  it("a depth of 7 is GitHub's last level", () => {
    expect(codeOf(() => checkDelegation({ ...ok, depth: 7, maxDepth: 7 }))).toBeUndefined();
  });
});

describe("positions", () => {
  it("a child of a root takes the root; a grandchild inherits it", () => {
    const root = TaskMetaSchema.parse({});
    expect(childPosition({ number: 4, meta: root })).toEqual({ parent: 4, root: 4, depth: 1 });
    const child = TaskMetaSchema.parse({ parent: 4, root: 4, depth: 1 });
    expect(childPosition({ number: 9, meta: child })).toEqual({ parent: 9, root: 4, depth: 2 });
    expect(samePosition(child, { parent: 4, root: 4, depth: 1 })).toBe(true);
    expect(samePosition(child, { parent: null, root: null, depth: 0 })).toBe(false);
  });
});

describe("GraphQL errors", () => {
  const answer = (message: string, type = "UNPROCESSABLE") =>
    Object.assign(new Error(message), {
      name: "GraphqlResponseError",
      errors: [{ message, type }],
    });
  it.each([
    ["Parent cannot have more than 8 levels of sub-issues", 409, "delegation_depth_exceeded"],
    ["Parent cannot have more than 100 sub-issues", 409, "too_many_children"],
    ["Could not resolve to a node with the global id of 'x'", 404, "github_not_found"],
    ["title can't be blank", 422, "github_validation_failed"],
  ])("%s → %i %s", (message, status, code) => {
    const type = status === 404 ? "NOT_FOUND" : "UNPROCESSABLE";
    expect(mapGraphqlError(answer(message, type))).toMatchObject({ status, code });
  });
  it("transport failures map as REST ones", () => {
    expect(mapGraphqlError(Object.assign(new Error("Bad gateway"), { status: 502 }))).toMatchObject(
      {
        status: 503,
        code: "github_unavailable",
      },
    );
  });
});

describe("GraphQL issues in REST shape", () => {
  it("keeps what the codec and tasks read", () => {
    const node: GraphqlIssue = {
      id: "I_1",
      databaseId: 1000012,
      number: 12,
      title: "T",
      body: "",
      state: "CLOSED",
      stateReason: "NOT_PLANNED",
      url: "https://github.com/acme/tasks/issues/12",
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
      closedAt: "2026-01-02T00:00:00Z",
      author: { __typename: "Bot", login: "baton" },
      viewerDidAuthor: true,
      authorAssociation: "NONE",
      labels: { nodes: [{ name: "depth:1" }], pageInfo: { hasNextPage: false } },
      subIssuesSummary: { total: 2, completed: 1 },
    };
    const rest = toRestIssue(node, 7);
    expect(rest).toMatchObject({
      id: 1000012,
      node_id: "I_1",
      state: "closed",
      state_reason: "not_planned",
      body: null,
      labels: [{ name: "depth:1" }],
      user: { login: "baton[bot]", type: "Bot" },
      authored_by_app: true,
      author_association: "NONE",
    });
    expect(parentNumberOf(rest)).toBe(7);
  });
});

describe("chain scoping", () => {
  const task = (id: number, over: Partial<Task>): Task => ({
    id,
    content: `task ${id}`,
    description: "secret",
    priority: 2,
    labels: ["x"],
    project_id: null,
    project: null,
    due_date: null,
    due_time: null,
    status: "open",
    completed: false,
    completed_at: null,
    created_at: "",
    updated_at: "",
    created_by_agent_id: "monitor",
    assigned_to_agent_id: null,
    completed_by_agent_id: null,
    created_by_agent: null,
    assigned_to_agent: null,
    completed_by_agent: null,
    parent_task_id: null,
    root_task_id: 1,
    delegation_depth: 0,
    context: { k: 1 },
    context_version: 1,
    subtasks: [{ id: 1, task_id: id, content: "secret step", completed: false, sort_order: 0 }],
    links: [],
    url: "",
    ...NO_CLAIM,
    ...NO_DEPENDENCIES,
    ...over,
  });
  it("redacts what a worker may not read, keeps the structure and counts", () => {
    const dns = { id: "dns", role: "worker" as const };
    const chain = buildChain(dns, [
      task(1, { assigned_to_agent_id: "infra" }),
      task(2, { parent_task_id: 1, delegation_depth: 1, completed: true, status: "completed" }),
      task(3, { parent_task_id: 1, delegation_depth: 1, assigned_to_agent_id: "dns" }),
    ]);
    expect(chain).toMatchObject({ depth: 1, completed_count: 1, total_count: 3 });
    expect(chain.root).toMatchObject({
      redacted: true,
      content: "",
      description: null,
      context: {},
      subtasks: [],
    });
    expect(chain.chain[2]).toMatchObject({ redacted: false, content: "task 3" });
    expect(chain.chain[2]!.subtasks[0]!.content).toBe("secret step");
    expect(scopeTask({ id: "boss", role: "coordinator" }, task(1, {})).redacted).toBe(false);
    // Open work nobody is assigned is every worker's to read; once completed, it is not.
    expect(scopeTask(dns, task(4, {})).redacted).toBe(false);
    expect(scopeTask(dns, task(4, { completed: true, status: "completed" })).redacted).toBe(true);
  });
});
