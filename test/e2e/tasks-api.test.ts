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
  stack = await startStack();
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

const create = (key: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  stack.api(key, "POST", "/v1/tasks", body, headers);

describe("the task loop", () => {
  it("monitor creates a task for infra, infra lists, comments and completes it", async () => {
    const created = await create(monitor, {
      content: "Renew TLS cert for api.example.com",
      description: "Expires in 7 days.",
      priority: 3,
      assigned_to_agent_id: "infra",
      labels: ["tls"],
    });
    expect(created.status).toBe(201);
    const task = created.json;
    expect(task).toMatchObject({
      content: "Renew TLS cert for api.example.com",
      priority: 3,
      status: "open",
      completed: false,
      created_by_agent_id: "monitor",
      assigned_to_agent_id: "infra",
      labels: ["tls"],
      delegation_depth: 0,
    });
    expect(task.root_task_id).toBe(task.id);

    // On github.com: title, labels and a body a person can read.
    const issue = stack.double.state.issues.get(task.id)!;
    expect(issue.title).toBe("Renew TLS cert for api.example.com");
    expect(labelNames(stack.double, task.id)).toEqual(["agent:infra", "priority:high", "tls"]);
    expect(issue.body).toContain("created by **monitor** · held by **infra**");
    expect(issue.body).toContain("Expires in 7 days.");

    const listed = await stack.api(infra, "GET", "/v1/tasks?assigned_to=infra");
    expect(listed.status).toBe(200);
    expect(listed.json.map((t: { id: number }) => t.id)).toContain(task.id);

    const comment = await stack.api(infra, "POST", `/v1/tasks/${task.id}/comments`, {
      content: "Renewed, deploying.",
    });
    expect(comment.status).toBe(201);
    expect(comment.json).toMatchObject({
      task_id: task.id,
      content: "Renewed, deploying.",
      author: "infra",
    });
    const comments = await stack.api(monitor, "GET", `/v1/tasks/${task.id}/comments`);
    expect(comments.json).toEqual([
      expect.objectContaining({
        content: "Renewed, deploying.",
        author: "infra",
        author_type: "agent",
      }),
    ]);

    const done = await stack.api(infra, "POST", `/v1/tasks/${task.id}/complete`);
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({
      completed: true,
      status: "completed",
      completed_by_agent_id: "infra",
    });
    expect(stack.double.state.issues.get(task.id)).toMatchObject({
      state: "closed",
      stateReason: "completed",
    });

    // Completed tasks are hidden unless asked for.
    const open = await stack.api(infra, "GET", "/v1/tasks");
    expect(open.json.map((t: { id: number }) => t.id)).not.toContain(task.id);
    const all = await stack.api(infra, "GET", "/v1/tasks?include_completed=true");
    expect(all.json.map((t: { id: number }) => t.id)).toContain(task.id);

    const reopened = await stack.api(infra, "POST", `/v1/tasks/${task.id}/uncomplete`);
    expect(reopened.json).toMatchObject({
      completed: false,
      status: "open",
      completed_by_agent_id: null,
    });
  });

  it("answers on /api too (Delega clients on localhost) and Probot still gets its webhooks", async () => {
    const res = await stack.api(monitor, "GET", "/api/agent/me");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: "monitor", role: "worker", is_admin: false });
    expect(res.json).not.toHaveProperty("api_key");
    await stack.double.waitForWebhooksIdle();
    expect(stack.double.webhookDeliveries.length).toBeGreaterThan(0);
    expect(stack.double.webhookDeliveries.every((d) => d.status === 200)).toBe(true);
  });
});

describe("GitHub requests per operation", () => {
  it("create 1, get 0 (the mirror), comment 1, update 1 plus a read of what changed, complete 1 (rate-limited requests)", async () => {
    await create(monitor, { content: "Warm-up: labels exist", assigned_to_agent_id: "infra" });
    let mark = stack.double.requests.length;
    const { json: task } = await create(monitor, {
      content: "Rotate the DB password",
      assigned_to_agent_id: "infra",
    });
    expect(rateLimitedSince(stack.double, mark)).toHaveLength(1);

    await stack.api(infra, "GET", `/v1/tasks/${task.id}`);
    mark = stack.double.requests.length;
    await stack.api(infra, "GET", `/v1/tasks/${task.id}`);
    expect(rateLimitedSince(stack.double, mark)).toHaveLength(0);

    mark = stack.double.requests.length;
    await stack.api(infra, "POST", `/v1/tasks/${task.id}/comments`, { content: "on it" });
    expect(rateLimitedSince(stack.double, mark)).toHaveLength(1);

    // Reads come from the task mirror (issue #20), even after the comment changed the issue.
    mark = stack.double.requests.length;
    await stack.api(infra, "GET", `/v1/tasks/${task.id}`);
    expect(rateLimitedSince(stack.double, mark)).toHaveLength(0);
    // A write still reads the issue first: the comment changed it (its comment count), so that
    // read is a real one here; unchanged it is a free 304, as for the completion below.
    mark = stack.double.requests.length;
    await stack.api(infra, "PUT", `/v1/tasks/${task.id}`, { priority: 4, status: "in_progress" });
    expect(rateLimitedSince(stack.double, mark).map((r) => r.method)).toEqual(["GET", "PATCH"]);

    mark = stack.double.requests.length;
    await stack.api(infra, "POST", `/v1/tasks/${task.id}/complete`);
    expect(rateLimitedSince(stack.double, mark)).toHaveLength(1);
    expect(stack.double.state.autoCreatedLabels).toEqual([]);
  });
});

describe("roles and scopes", () => {
  it("a worker cannot see or change another agent's task; a coordinator reads and comments on all", async () => {
    const { json: task } = await create(monitor, {
      content: "Private to monitor and infra",
      assigned_to_agent_id: "infra",
    });
    const mark = stack.double.requests.length;
    expect((await stack.api(dns, "GET", `/v1/tasks/${task.id}`)).status).toBe(404);
    expect((await stack.api(dns, "POST", `/v1/tasks/${task.id}/complete`)).status).toBe(404);
    expect(
      (await stack.api(dns, "GET", "/v1/tasks")).json.map((t: { id: number }) => t.id),
    ).not.toContain(task.id);
    expect(writesSince(stack.double, mark)).toEqual([]);

    expect((await stack.api(lead, "GET", `/v1/tasks/${task.id}`)).status).toBe(200);
    expect(
      (await stack.api(lead, "POST", `/v1/tasks/${task.id}/comments`, { content: "FYI" })).status,
    ).toBe(201);
    const denied = await stack.api(lead, "POST", `/v1/tasks/${task.id}/complete`);
    expect(denied.status).toBe(403);
    expect(denied.json.code).toBe("forbidden");
  });

  it("keys: missing, wrong, rotated and revoked keys get 401", async () => {
    expect((await stack.api(undefined, "GET", "/v1/tasks")).json).toMatchObject({
      status: 401,
      code: "unauthorized",
    });
    expect((await stack.api("bat_wrong", "GET", "/v1/tasks")).status).toBe(401);
    const key = await stack.createAgent("temp");
    expect(
      (
        await stack.api(undefined, "GET", "/v1/tasks", undefined, {
          authorization: `Bearer ${key}`,
        })
      ).status,
    ).toBe(200);
    const rotated = await stack.api(key, "POST", "/v1/agents/temp/rotate-key");
    expect(rotated.json.api_key).toMatch(/^bat_/);
    expect((await stack.api(key, "GET", "/v1/tasks")).status).toBe(401);
    expect((await stack.api(rotated.json.api_key, "GET", "/v1/tasks")).status).toBe(200);
    expect((await stack.api(admin, "DELETE", "/v1/agents/temp")).json).toEqual({
      ok: true,
      deleted: "temp",
    });
    expect((await stack.api(rotated.json.api_key, "GET", "/v1/tasks")).status).toBe(401);
  });

  it("only admins manage agents; the new key is shown once", async () => {
    expect((await stack.api(monitor, "POST", "/v1/agents", { name: "sneaky" })).status).toBe(403);
    const made = await stack.api(admin, "POST", "/v1/agents", {
      name: "agent-frontend",
      display_name: "Frontend",
      is_admin: false,
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({
      id: "agent-frontend",
      role: "worker",
      api_key: expect.stringMatching(/^bat_/),
    });
    const listed = await stack.api(monitor, "GET", "/v1/agents");
    const frontend = listed.json.find((a: { id: string }) => a.id === "agent-frontend");
    expect(frontend).not.toHaveProperty("api_key");
    expect(
      (await stack.api(admin, "POST", "/v1/agents", { name: "agent-frontend" })).json.code,
    ).toBe("agent_exists");
  });
});

describe("bad input gets a clear 4xx and writes nothing", () => {
  const cases: [string, string, string, unknown, number, string][] = [
    ["malformed JSON", "POST", "/v1/tasks", '{"content": ', 400, "invalid_json"],
    ["a JSON array", "POST", "/v1/tasks", "[1,2]", 400, "invalid_body"],
    ["no content", "POST", "/v1/tasks", {}, 422, "validation_failed"],
    ["blank content", "POST", "/v1/tasks", { content: "   " }, 422, "validation_failed"],
    [
      "wrong types",
      "POST",
      "/v1/tasks",
      { content: 5, priority: "high" },
      422,
      "validation_failed",
    ],
    [
      "content over 2,000 chars",
      "POST",
      "/v1/tasks",
      { content: "x".repeat(2001) },
      422,
      "validation_failed",
    ],
    [
      "priority out of range",
      "POST",
      "/v1/tasks",
      { content: "x", priority: 9 },
      422,
      "validation_failed",
    ],
    [
      "a label with a colon",
      "POST",
      "/v1/tasks",
      { content: "x", labels: ["status:done"] },
      422,
      "validation_failed",
    ],
    [
      "a label with a comma",
      "POST",
      "/v1/tasks",
      { content: "x", labels: ["a,b"] },
      422,
      "validation_failed",
    ],
    [
      "a label with a space",
      "POST",
      "/v1/tasks",
      { content: "x", labels: ["two words"] },
      422,
      "validation_failed",
    ],
    [
      "an agent name with a space",
      "POST",
      "/v1/tasks",
      { content: "x", assigned_to_agent_id: "my agent" },
      422,
      "validation_failed",
    ],
    [
      "an unknown assignee",
      "POST",
      "/v1/tasks",
      { content: "x", assigned_to_agent_id: "nobody" },
      422,
      "unknown_agent",
    ],
    [
      "an unknown project",
      "POST",
      "/v1/tasks",
      { content: "x", project_id: 999999 },
      422,
      "unknown_project",
    ],
    [
      "setting delegation_depth",
      "POST",
      "/v1/tasks",
      { content: "x", delegation_depth: 3 },
      400,
      "server_managed_field",
    ],
    ["a task that does not exist", "GET", "/v1/tasks/99999", undefined, 404, "task_not_found"],
    [
      "completing a missing task",
      "POST",
      "/v1/tasks/99999/complete",
      undefined,
      404,
      "task_not_found",
    ],
    ["a non-numeric id", "GET", "/v1/tasks/abc", undefined, 422, "validation_failed"],
    ["an unknown route", "GET", "/v1/nothing-here", undefined, 404, "route_not_found"],
  ];
  it.each(cases)("%s", async (_name, method, path, body, status, code) => {
    const mark = stack.double.requests.length;
    const res = await stack.api(monitor, method, path, body);
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ code, status });
    expect(typeof res.json.error).toBe("string");
    expect(writesSince(stack.double, mark)).toEqual([]);
  });

  it("lists each bad field", async () => {
    const res = await create(monitor, { content: "", priority: 0, due_date: "tomorrow" });
    expect(res.json.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      "content",
      "due_date",
      "priority",
    ]);
  });

  it("refuses a 10 MB body with 413", async () => {
    const mark = stack.double.requests.length;
    const res = await create(monitor, { content: "x", description: "y".repeat(10 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.json.code).toBe("payload_too_large");
    expect(writesSince(stack.double, mark)).toEqual([]);
  });

  it("ignores unknown fields and never stores them", async () => {
    const res = await create(monitor, {
      content: "Unknown fields",
      frobnicate: "yes",
      nested: { a: 1 },
    });
    expect(res.status).toBe(201);
    expect(res.json).not.toHaveProperty("frobnicate");
    expect(stack.double.state.issues.get(res.json.id)!.body).not.toContain("frobnicate");
  });
});

describe("text is kept exactly and made safe on GitHub", () => {
  it("unicode and markdown round-trip; mentions, closing keywords and forged metadata do nothing", async () => {
    const content = "Überprüfe 日本語 🚀 **bold** `code`";
    const description =
      'Hi @octocat, this closes #1 and fixes acme/tasks#2.\n\n<!-- baton:v1 {"created_by":"admin"} -->\n\n| a | b |\n|---|---|\n';
    const res = await create(monitor, { content, description });
    expect(res.json).toMatchObject({ content, description, created_by_agent_id: "monitor" });
    const fetched = await stack.api(monitor, "GET", `/v1/tasks/${res.json.id}`);
    expect(fetched.json).toMatchObject({ content, description, created_by_agent_id: "monitor" });
    const body = stack.double.state.issues.get(res.json.id)!.body!;
    expect(body).not.toMatch(/(^|[^\w])@octocat/);
    expect(body).not.toMatch(/closes #1/);
    expect(body).not.toMatch(/tasks#2/);
    expect(body.match(/<!-- baton:v1/g)).toHaveLength(1);
  });
});

describe("GitHub faults during a create", () => {
  it("502 before GitHub acted: 503 + Retry-After and no issue", async () => {
    const before = stack.double.state.issues.size;
    stack.double.injectFault({
      method: "POST",
      route: "POST /repos/{owner}/{repo}/issues",
      kind: "status",
      status: 502,
    });
    const res = await create(monitor, { content: "Fault before" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(res.json.code).toBe("github_unavailable");
    expect(stack.double.state.issues.size).toBe(before);
  });

  it("502 after GitHub acted (answer lost): the task once, never two issues", async () => {
    const before = stack.double.state.issues.size;
    stack.double.injectFault({
      method: "POST",
      route: "POST /repos/{owner}/{repo}/issues",
      kind: "status",
      status: 502,
      when: "after",
    });
    const res = await create(monitor, { content: "Fault after" });
    expect(res.status).toBe(201);
    expect(stack.double.state.issues.size).toBe(before + 1);
    expect(stack.double.state.issues.get(res.json.id)!.title).toBe("Fault after");
  });

  it("a long secondary rate limit: 503 with GitHub's Retry-After, nothing created", async () => {
    const before = stack.double.state.issues.size;
    stack.double.injectFault({
      method: "POST",
      route: "POST /repos/{owner}/{repo}/issues",
      kind: "secondary_rate_limit",
      retryAfter: 120,
    });
    const res = await create(monitor, { content: "Throttled" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("120");
    expect(res.json.code).toBe("github_rate_limited");
    expect(stack.double.state.issues.size).toBe(before);
  });

  it("a short secondary rate limit is waited out: the task once", async () => {
    const before = stack.double.state.issues.size;
    stack.double.injectFault({
      method: "POST",
      route: "POST /repos/{owner}/{repo}/issues",
      kind: "secondary_rate_limit",
      retryAfter: 1,
    });
    const res = await create(monitor, { content: "Briefly throttled" });
    expect(res.status).toBe(201);
    expect(stack.double.state.issues.size).toBe(before + 1);
  });
});

describe("Idempotency-Key", () => {
  it("a retry returns the first answer and creates nothing; another body with the key is 422", async () => {
    const headers = { "idempotency-key": "create-once-1" };
    const first = await create(monitor, { content: "Exactly once" }, headers);
    const before = stack.double.state.issues.size;
    const again = await create(monitor, { content: "Exactly once" }, headers);
    expect(again.status).toBe(201);
    expect(again.json.id).toBe(first.json.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(stack.double.state.issues.size).toBe(before);
    const other = await create(monitor, { content: "Something else" }, headers);
    expect(other.status).toBe(422);
    expect(other.json.code).toBe("idempotency_key_reused");
  });

  it("keys are per agent", async () => {
    const a = await create(
      monitor,
      { content: "Same key, other agent" },
      { "idempotency-key": "shared" },
    );
    const b = await create(
      infra,
      { content: "Same key, other agent" },
      { "idempotency-key": "shared" },
    );
    expect(a.json.id).not.toBe(b.json.id);
  });
});

describe("context", () => {
  it("merges keys and refuses a stale version with 409 and the current version", async () => {
    const { json: task } = await create(monitor, {
      content: "Context holder",
      context: { step: 1 },
    });
    const first = await stack.api(monitor, "PATCH", `/v1/tasks/${task.id}/context`, {
      context: { host: "api" },
      expected_version: 0,
    });
    expect(first.json).toEqual({ task_id: task.id, context: { step: 1, host: "api" }, version: 1 });
    const bare = await stack.api(monitor, "PATCH", `/v1/tasks/${task.id}/context`, {
      step: null,
      done: true,
    });
    expect(bare.json).toEqual({
      task_id: task.id,
      context: { host: "api", done: true },
      version: 2,
    });
    const stale = await stack.api(monitor, "PATCH", `/v1/tasks/${task.id}/context`, {
      context: { x: 1 },
      expected_version: 1,
    });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ code: "context_version_conflict", current_version: 2 });
    expect((await stack.api(monitor, "GET", `/v1/tasks/${task.id}/context`)).json.context).toEqual({
      host: "api",
      done: true,
    });
  });
});

describe("lists, projects and stats", () => {
  it("pages with limit/page and a GitHub-style Link header", async () => {
    for (let i = 0; i < 5; i++) await create(dns, { content: `Page item ${i}`, labels: ["paged"] });
    const first = await stack.api(dns, "GET", "/v1/tasks?label=paged&limit=2");
    expect(first.json).toHaveLength(2);
    expect(first.headers.get("link")).toMatch(/[?&]page=2[^>]*>; rel="next"/);
    const last = await stack.api(dns, "GET", "/v1/tasks?label=paged&limit=2&page=3");
    expect(last.json).toHaveLength(1);
    expect(last.headers.get("link")).not.toMatch(/rel="next"/);
  });

  it("projects are project: labels; tasks filter by them", async () => {
    const made = await stack.api(admin, "POST", "/v1/projects", {
      name: "Website redesign",
      emoji: "🎨",
      color: "#ff0000",
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({
      slug: "website-redesign",
      name: "Website redesign",
      emoji: "🎨",
      color: "#ff0000",
    });
    expect(stack.double.state.findLabel("project:website-redesign")).toBeTruthy();
    const mark = stack.double.requests.length;
    const task = await create(dns, { content: "New landing page", project_id: made.json.id });
    // The project is resolved from the cached label set: the create is still one request.
    expect(rateLimitedSince(stack.double, mark)).toHaveLength(1);
    expect(task.json.project).toMatchObject({ slug: "website-redesign" });
    await create(dns, { content: "Not in the project" });
    const listed = await stack.api(dns, "GET", `/v1/tasks?project_id=${made.json.id}`);
    expect(listed.json.map((t: { content: string }) => t.content)).toEqual(["New landing page"]);
    expect((await stack.api(dns, "POST", "/v1/projects", { name: "Nope" })).status).toBe(403);
    const renamed = await stack.api(admin, "PUT", `/v1/projects/${made.json.id}`, {
      name: "Site v2",
      sort_order: 3,
    });
    expect(renamed.json).toMatchObject({ name: "Site v2", sort_order: 3, emoji: "🎨" });
  });

  it("stats count what the caller may see", async () => {
    const res = await stack.api(dns, "GET", "/v1/stats");
    expect(res.status).toBe(200);
    expect(res.json.total_tasks).toBeGreaterThanOrEqual(7);
    expect(res.json).toHaveProperty("by_project");
  });

  it("delete closes the issue as not planned and hides the task", async () => {
    const { json: task } = await create(dns, { content: "To be deleted" });
    expect((await stack.api(dns, "DELETE", `/v1/tasks/${task.id}`)).json).toEqual({ ok: true });
    expect(stack.double.state.issues.get(task.id)).toMatchObject({
      state: "closed",
      stateReason: "not_planned",
    });
    expect((await stack.api(dns, "GET", `/v1/tasks/${task.id}`)).status).toBe(404);
  });
});

describe("OpenAPI", () => {
  it("is generated from the schemas and covers every route", async () => {
    const res = await stack.api(undefined, "GET", "/v1/openapi.json");
    expect(res.json.openapi).toBe("3.1.0");
    const paths = Object.keys(res.json.paths);
    for (const path of [
      "/tasks",
      "/tasks/{id}",
      "/tasks/{id}/complete",
      "/tasks/{id}/uncomplete",
      "/tasks/{id}/comments",
      "/tasks/{id}/context",
      "/stats",
      "/agents",
      "/agents/{id}",
      "/agents/{id}/rotate-key",
      "/agent/me",
      "/projects",
      "/projects/{id}",
    ]) {
      expect(paths).toContain(path);
    }
    expect(res.json.paths["/tasks"].post.requestBody.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/TaskCreate",
    );
    expect(res.json.components.schemas.TaskCreate.properties.content.maxLength).toBe(2000);
    expect(res.json.components.schemas.Task.required).toContain("delegation_depth");
  });
});
