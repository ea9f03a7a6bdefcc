import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatonClient } from "../../src/sdk/index.js";
import { writesSince } from "../support/assertions.js";
import { startStack, type Stack } from "../support/stack.js";

/**
 * An admin may restrict an agent to projects (issue #17): it then sees and claims the open
 * unassigned work of those projects only; what it created, is assigned or holds stays its own.
 */
let stack: Stack;
let admin: string;
let monitor: string;
let lead: string;
let web: { id: number; slug: string };
let api: { id: number; slug: string };

beforeAll(async () => {
  stack = await startStack();
  [admin, monitor, lead] = await Promise.all([
    stack.createAgent("admin", "admin"),
    stack.createAgent("monitor"),
    stack.createAgent("lead", "coordinator"),
  ]);
  const project = async (name: string) => {
    const res = await stack.api(admin, "POST", "/v1/projects", { name });
    expect(res.status).toBe(201);
    return res.json as { id: number; slug: string };
  };
  web = await project("Web");
  api = await project("Public API");
});
afterAll(async () => {
  await stack?.stop();
});

const create = async (key: string, body: Record<string, unknown>) => {
  const res = await stack.api(key, "POST", "/v1/tasks", {
    allow_duplicate: true,
    labels: ["scoped"],
    ...body,
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.id as number;
};
const ids = (res: { json: { id: number }[] }) => res.json.map((t) => t.id).sort((a, b) => a - b);

describe("agents restricted to projects", () => {
  it("only an admin sets project_ids (ids or slugs); the answer shows them as ids", async () => {
    const made = await stack.api(admin, "POST", "/v1/agents", {
      name: "webdev",
      project_ids: [web.slug, web.id],
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ id: "webdev", project_ids: [web.id] });
    const webdev = made.json.api_key as string;
    expect((await stack.api(webdev, "GET", "/v1/agent/me")).json.project_ids).toEqual([web.id]);
    expect((await stack.api(monitor, "GET", "/v1/agents/monitor")).json.project_ids).toBeNull();

    // A worker may change its own names, not its projects (as with its role).
    const self = await stack.api(webdev, "PATCH", "/v1/agents/webdev", { project_ids: null });
    expect(self.json).toMatchObject({ status: 403, code: "forbidden" });
    const named = await stack.api(webdev, "PATCH", "/v1/agents/webdev", { display_name: "Web" });
    expect(named.json).toMatchObject({ display_name: "Web", project_ids: [web.id] });

    const unknown = await stack.api(admin, "PUT", "/v1/agents/webdev", {
      project_ids: ["no-such-project"],
    });
    expect(unknown.json).toMatchObject({
      status: 422,
      code: "unknown_project",
      field: "project_ids",
    });
    const bad = await stack.api(admin, "PUT", "/v1/agents/webdev", { project_ids: "web" });
    expect(bad.json).toMatchObject({ status: 422, code: "validation_failed" });
    expect((await stack.api(admin, "GET", "/v1/agents/webdev")).json.project_ids).toEqual([web.id]);

    // The SDK's agent shape carries them too.
    const sdk = new BatonClient({ baseUrl: `${stack.baton.url}/v1`, agentKey: admin });
    const viaSdk = await sdk.agents.create({ name: "sdk-agent", project_ids: [api.slug] });
    expect(viaSdk.project_ids).toEqual([api.id]);
    expect((await sdk.agents.update("sdk-agent", { project_ids: null })).project_ids).toBeNull();
  });

  it("a restricted worker sees and claims its projects' open work; its own tasks stay its own", async () => {
    const made = await stack.api(admin, "POST", "/v1/agents", {
      name: "frontend",
      project_ids: [web.id],
    });
    const frontend = made.json.api_key as string;
    const webTask = await create(monitor, { content: "Fix the login page", project_id: web.id });
    const apiTask = await create(monitor, {
      content: "Rate-limit the search endpoint",
      project_id: api.id,
      priority: 4,
    });
    const loose = await create(monitor, { content: "Tidy the wiki" });
    const givenApi = await create(monitor, {
      content: "Document the API errors",
      project_id: api.id,
      assigned_to_agent_id: "frontend",
    });
    const ownApi = await create(frontend, { content: "Add CORS headers", project_id: api.id });

    // The ready queue: its projects' unassigned work, and what is assigned to it in any project.
    const ready = await stack.api(frontend, "GET", "/v1/tasks/ready?label=scoped");
    expect(ids(ready)).toEqual([webTask, givenApi].sort((a, b) => a - b));
    const inApi = await stack.api(frontend, "GET", `/v1/tasks/ready?project_id=${api.slug}`);
    expect(ids(inApi)).toEqual([givenApi]);

    // Reads: open work outside its projects is not its to see; its own tasks are.
    expect((await stack.api(frontend, "GET", `/v1/tasks/${webTask}`)).status).toBe(200);
    expect((await stack.api(frontend, "GET", `/v1/tasks/${apiTask}`)).status).toBe(404);
    expect((await stack.api(frontend, "GET", `/v1/tasks/${loose}`)).status).toBe(404);
    expect((await stack.api(frontend, "GET", `/v1/tasks/${ownApi}`)).status).toBe(200);
    const listed = await stack.api(frontend, "GET", "/v1/tasks?label=scoped");
    expect(ids(listed)).toEqual([webTask, givenApi, ownApi].sort((a, b) => a - b));

    // Claims: by id outside its projects is a 404, as for any task it may not see.
    const mark = stack.double.requests.length;
    const outside = await stack.api(frontend, "POST", `/v1/tasks/${apiTask}/claim`);
    expect(outside.json).toMatchObject({ status: 404, code: "task_not_found" });
    expect(writesSince(stack.double, mark)).toEqual([]);
    // The queue gives its projects' work only (apiTask is more urgent, and not offered).
    const first = await stack.api(frontend, "POST", "/v1/tasks/claim", { labels: ["scoped"] });
    const second = await stack.api(frontend, "POST", "/v1/tasks/claim", { labels: ["scoped"] });
    const third = await stack.api(frontend, "POST", "/v1/tasks/claim", { labels: ["scoped"] });
    expect([first.json.task.id, second.json.task.id].sort((a, b) => a - b)).toEqual(
      [webTask, givenApi].sort((a, b) => a - b),
    );
    expect(third.json).toEqual({ task: null, claim_token: null });
    // One it created outside its projects stays readable, but is no work of its to claim.
    const own = await stack.api(frontend, "POST", `/v1/tasks/${ownApi}/claim`);
    expect(own.status).toBe(403);
    expect(own.json.code).toBe("project_not_allowed");

    // Lifted by an admin: every project again, at once (the agents' version moved).
    const lifted = await stack.api(admin, "PATCH", "/v1/agents/frontend", { project_ids: null });
    expect(lifted.json.project_ids).toBeNull();
    expect((await stack.api(frontend, "GET", `/v1/tasks/${apiTask}`)).status).toBe(200);
    const next = await stack.api(frontend, "POST", "/v1/tasks/claim", { labels: ["scoped"] });
    expect(next.json.task.id).toBe(apiTask);
  });

  it("a restricted coordinator reads everything, but claims its projects' open work only", async () => {
    await stack.api(admin, "PUT", "/v1/agents/lead", { project_ids: [api.slug] });
    const webTask = await create(monitor, {
      content: "Compress the hero image",
      project_id: web.id,
    });
    const apiTask = await create(monitor, {
      content: "Document the rate limit headers",
      project_id: api.id,
    });
    expect((await stack.api(lead, "GET", `/v1/tasks/${webTask}`)).status).toBe(200);
    const refused = await stack.api(lead, "POST", `/v1/tasks/${webTask}/claim`);
    expect(refused.json).toMatchObject({
      status: 403,
      code: "project_not_allowed",
      project_id: web.id,
      project_ids: [api.id],
    });
    // Its ready queue offers its project's open work, and nothing of the others.
    const ready = await stack.api(lead, "GET", `/v1/tasks/ready?label=scoped`);
    expect(ids(ready)).toContain(apiTask);
    expect(ids(ready)).not.toContain(webTask);
  });
});
