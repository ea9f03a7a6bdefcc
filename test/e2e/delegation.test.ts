import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelNames, rateLimitedSince, writesSince } from "../support/assertions.js";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack;
let admin: string;
let monitor: string;
let infra: string;
let dns: string;
let lead: string;

beforeAll(async () => {
  stack = await startStack({ env: { BATON_MAX_DEPTH: "3" } });
  [admin, monitor, infra, dns, lead] = await Promise.all([
    stack.createAgent("admin", "admin"),
    stack.createAgent("monitor"),
    stack.createAgent("infra"),
    stack.createAgent("dns"),
    stack.createAgent("lead", "coordinator"),
  ]);
});
afterAll(async () => {
  await stack?.stop();
});

const api = (
  key: string,
  method: string,
  path: string,
  body?: unknown,
  h?: Record<string, string>,
) => stack.api(key, method, path, body, h);
const create = (key: string, body: Record<string, unknown>) => api(key, "POST", "/v1/tasks", body);
const delegate = (
  key: string,
  id: number,
  body: Record<string, unknown>,
  h?: Record<string, string>,
) => api(key, "POST", `/v1/tasks/${id}/delegate`, body, h);
const settled = () => stack.double.waitForWebhooksIdle();
const issue = (n: number) => stack.double.state.issues.get(n)!;
/** The task as its creator (or an admin) sees it after the webhooks have settled. */
const read = async (id: number) => (await api(admin, "GET", `/v1/tasks/${id}`)).json;

/** monitor → infra → dns: the issue's three-level chain. */
async function threeLevels(extra: { auto?: boolean } = {}) {
  const root = (
    await create(monitor, {
      content: "Site is slow: p95 latency 4s",
      assigned_to_agent_id: "monitor",
    })
  ).json;
  const mid = await delegate(monitor, root.id, {
    content: "Find the slow dependency",
    assigned_to_agent_id: "infra",
    ...(extra.auto ? { auto_complete_parent: true } : {}),
  });
  expect(mid.status).toBe(201);
  const leaf = await delegate(infra, mid.json.id, {
    content: "Check resolver latency for api.example.com",
    description: "Compare the three resolvers.",
    assigned_to_agent_id: "dns",
    ...(extra.auto ? { auto_complete_parent: true } : {}),
  });
  expect(leaf.status).toBe(201);
  await settled();
  return { root, mid: mid.json, leaf: leaf.json };
}

describe("delegating", () => {
  it("creates a linked sub-issue with depth, root and agent labels; the parent is delegated", async () => {
    const { root, mid, leaf } = await threeLevels();
    expect(mid).toMatchObject({
      parent_task_id: root.id,
      root_task_id: root.id,
      delegation_depth: 1,
      created_by_agent_id: "monitor",
      assigned_to_agent_id: "infra",
      status: "open",
    });
    expect(leaf).toMatchObject({
      parent_task_id: mid.id,
      root_task_id: root.id,
      delegation_depth: 2,
      created_by_agent_id: "infra",
      assigned_to_agent_id: "dns",
    });
    // On github.com: a sub-issue tree, depth labels, the parents marked delegated.
    expect(issue(root.id).subIssues).toEqual([mid.id]);
    expect(issue(mid.id).parent).toBe(root.id);
    expect(issue(leaf.id).parent).toBe(mid.id);
    expect(labelNames(stack.double, mid.id)).toEqual([
      "agent:infra",
      "depth:1",
      "priority:medium",
      "status:delegated",
    ]);
    expect(labelNames(stack.double, leaf.id)).toEqual(["agent:dns", "depth:2", "priority:medium"]);
    expect(issue(leaf.id).body).toContain(`delegated from #${mid.id}`);
    expect((await read(root.id)).status).toBe("delegated");
    expect((await read(mid.id)).status).toBe("delegated");
    // No grey auto-created labels.
    expect(stack.double.state.autoCreatedLabels).toEqual([]);
  });

  it("POST /tasks with parent_task_id is the same delegation", async () => {
    const { json: root } = await create(monitor, { content: "Rotate the staging keys" });
    const res = await create(monitor, {
      content: "Rotate the DNS API token",
      parent_task_id: root.id,
      assigned_to_agent_id: "dns",
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      parent_task_id: root.id,
      root_task_id: root.id,
      delegation_depth: 1,
    });
    expect(issue(res.json.id).parent).toBe(root.id);
    expect(labelNames(stack.double, root.id)).toContain("status:delegated");
  });

  it("costs one GraphQL request for create + link and one write for the parent's label", async () => {
    const { json: root } = await create(monitor, { content: "Budget check" });
    await delegate(monitor, root.id, { content: "warm-up", assigned_to_agent_id: "infra" });
    await settled();
    const from = stack.double.requests.length;
    const res = await delegate(monitor, root.id, {
      content: "Measured",
      assigned_to_agent_id: "infra",
    });
    expect(res.status).toBe(201);
    const requests = stack.double.requests.slice(from, stack.double.requests.length);
    // Only the API call's own requests: the webhooks it causes are handled afterwards.
    const ownWrites = requests.filter((r) => r.method !== "GET");
    expect(ownWrites.filter((r) => r.graphqlOperation)).toHaveLength(1);
    expect(ownWrites[0]!.graphqlOperation).toBe("BatonCreateSubIssue");
    expect(ownWrites.length).toBeLessThanOrEqual(2);
    void rateLimitedSince;
    void writesSince;
  });

  it("a worker may delegate what it holds or created to any agent, nothing else", async () => {
    const { json: theirs } = await create(dns, { content: "dns's own task" });
    const res = await delegate(infra, theirs.id, {
      content: "Not mine",
      assigned_to_agent_id: "infra",
    });
    expect(res.status).toBe(404);
    const { json: held } = await create(dns, {
      content: "held by infra",
      assigned_to_agent_id: "infra",
    });
    const ok = await delegate(infra, held.id, {
      content: "Mine to split",
      assigned_to_agent_id: "monitor",
    });
    expect(ok.status).toBe(201);
    expect(ok.json.created_by_agent_id).toBe("infra");
  });
});

describe("reading a chain", () => {
  it("from any task: root, every descendant, depth and counts; unreadable tasks redacted", async () => {
    const { root, mid, leaf } = await threeLevels();
    const fromLeaf = await api(dns, "GET", `/v1/tasks/${leaf.id}/chain`);
    expect(fromLeaf.status).toBe(200);
    expect(fromLeaf.json).toMatchObject({ depth: 2, completed_count: 0, total_count: 3 });
    expect(fromLeaf.json.chain.map((t: { id: number }) => t.id)).toEqual([
      root.id,
      mid.id,
      leaf.id,
    ]);
    // dns holds only the leaf: the root's and the middle task's text stay hidden.
    expect(fromLeaf.json.root).toMatchObject({
      id: root.id,
      redacted: true,
      content: "",
      description: null,
      status: "delegated",
      delegation_depth: 0,
      assigned_to_agent_id: "monitor",
    });
    expect(JSON.stringify(fromLeaf.json)).not.toContain("p95 latency");
    expect(JSON.stringify(fromLeaf.json)).not.toContain("slow dependency");
    expect(fromLeaf.json.chain[2]).toMatchObject({
      redacted: false,
      content: "Check resolver latency for api.example.com",
      description: "Compare the three resolvers.",
    });

    // A coordinator reads everything; the same chain from the root.
    const fromRoot = await api(lead, "GET", `/v1/tasks/${root.id}/chain`);
    expect(fromRoot.json.chain.map((t: { id: number }) => t.id)).toEqual([
      root.id,
      mid.id,
      leaf.id,
    ]);
    expect(fromRoot.json.chain.every((t: { redacted: boolean }) => !t.redacted)).toBe(true);
    expect(fromRoot.json.root.content).toBe("Site is slow: p95 latency 4s");

    // A task the caller may not see at all: 404, as for GET /tasks/{id}.
    expect((await api(dns, "GET", `/v1/tasks/${root.id}/chain`)).status).toBe(404);
  });

  it("children: the direct sub-tasks, scoped the same way", async () => {
    const { root, mid } = await threeLevels();
    const second = await delegate(monitor, root.id, {
      content: "Second branch",
      assigned_to_agent_id: "dns",
    });
    const res = await api(monitor, "GET", `/v1/tasks/${root.id}/children`);
    expect(res.status).toBe(200);
    expect(res.json.map((t: { id: number }) => t.id)).toEqual([mid.id, second.json.id]);
    expect(res.json.every((t: { redacted: boolean }) => !t.redacted)).toBe(true);
    const asInfra = await api(infra, "GET", `/v1/tasks/${mid.id}/children`);
    expect(asInfra.json).toHaveLength(1);
    expect(asInfra.json[0]).toMatchObject({ delegation_depth: 2, redacted: false });
  });
});
