import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../support/stack.js";

/*
 * Drives the REST API exactly as Delega's published clients (MCP server, CLI, Python SDK) do:
 * the server root on localhost plus `/api`, `X-Agent-Key`, their field names, PUT for task
 * updates, PATCH for agents, `?limit=` expecting a bare array, any 2xx as success, and errors
 * read from `error`, else `message`, else `detail`.
 */

let stack: Stack;
let adminKey: string;
let agentKey: string;

beforeAll(async () => {
  stack = await startStack();
  [adminKey, agentKey] = await Promise.all([
    stack.createAgent("admin", "admin"),
    stack.createAgent("delega-agent"),
  ]);
});
afterAll(async () => {
  await stack?.stop();
});

/** A Delega client's request: base = root + /api (localhost), X-Agent-Key, JSON body. */
async function delega(key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.baton.url}/api${path}`, {
    method,
    headers: {
      "X-Agent-Key": key,
      "Content-Type": "application/json",
      "User-Agent": "delega-python/0.3",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as untyped as the clients' JSON
  const json: any = text ? JSON.parse(text) : null;
  return { ok: res.ok, status: res.status, json };
}

/** Delega's clients' error reading. */
const errorText = (body: Record<string, unknown>) =>
  [body.error, body.message, body.detail].find((v) => typeof v === "string" && v.length > 0);

describe("Delega clients against Baton", () => {
  it("logs in: GET /agent/me, and the GET /tasks?completed=true fallback answers a list", async () => {
    const me = await delega(agentKey, "GET", "/agent/me");
    expect(me.ok).toBe(true);
    expect(me.json).toMatchObject({ id: "delega-agent", name: "delega-agent", active: true });
    expect(Array.isArray(me.json.permissions)).toBe(true);
    const fallback = await delega(agentKey, "GET", "/tasks?completed=true");
    expect(fallback.ok).toBe(true);
    expect(Array.isArray(fallback.json)).toBe(true);
  });

  it("status: GET /health at the root, then /agent/me and /stats with Delega's fields", async () => {
    const health = await fetch(`${stack.baton.url}/health`);
    expect(health.ok).toBe(true);
    expect(await health.json()).toMatchObject({ status: "ok" });
    const stats = await delega(agentKey, "GET", "/stats");
    expect(stats.ok).toBe(true);
    for (const field of [
      "total_tasks",
      "completed_today",
      "due_today",
      "overdue",
      "upcoming",
      "total_completed",
    ])
      expect(typeof stats.json[field], field).toBe("number");
    expect(stats.json).toHaveProperty("by_project");
  });

  it("runs the task lifecycle with Delega's paths, verbs and field names", async () => {
    const created = await delega(agentKey, "POST", "/tasks", {
      content: "Deploy staging build",
      description: "From the Delega SDK",
      priority: 2,
      labels: ["deploy"],
      due_date: "2030-01-15",
      some_future_field: "ignored",
    });
    expect(created.ok).toBe(true);
    const task = created.json;
    expect(task).toMatchObject({
      content: "Deploy staging build",
      description: "From the Delega SDK",
      priority: 2,
      labels: ["deploy"],
      due_date: "2030-01-15",
      completed: false,
      status: "open",
      created_by_agent_id: "delega-agent",
      parent_task_id: null,
      delegation_depth: 0,
    });
    expect(typeof task.id).toBe("number");
    expect(task.root_task_id).toBe(task.id);
    expect(task.created_by_agent).toMatchObject({ id: "delega-agent", name: "delega-agent" });
    for (const field of [
      "created_at",
      "updated_at",
      "completed_at",
      "assigned_to_agent_id",
      "context",
    ])
      expect(task).toHaveProperty(field);

    // The Python SDK's list call: filters as query parameters, ?limit=, a bare array back.
    const list = await delega(
      agentKey,
      "GET",
      "/tasks?limit=10&priority=2&search=staging&label=deploy&completed=false",
    );
    expect(Array.isArray(list.json)).toBe(true);
    expect(list.json.map((t: { id: number }) => t.id)).toContain(task.id);

    const got = await delega(agentKey, "GET", `/tasks/${task.id}`);
    expect(got.json.id).toBe(task.id);

    // Updates are PUT with only the fields to change.
    const put = await delega(agentKey, "PUT", `/tasks/${task.id}`, {
      content: "Deploy staging build 42",
      priority: 3,
    });
    expect(put.ok).toBe(true);
    expect(put.json).toMatchObject({
      content: "Deploy staging build 42",
      priority: 3,
      description: "From the Delega SDK",
    });
    const assigned = await delega(adminKey, "PUT", `/tasks/${task.id}`, {
      assigned_to_agent_id: "delega-agent",
    });
    expect(assigned.json.assigned_to_agent_id).toBe("delega-agent");

    // Context: PATCH merges a bare object of keys.
    await delega(agentKey, "PATCH", `/tasks/${task.id}/context`, { step: "build" });
    const context = await delega(agentKey, "PATCH", `/tasks/${task.id}/context`, {
      artifact: "build-42.tgz",
    });
    expect(context.json.context).toEqual({ step: "build", artifact: "build-42.tgz" });
    expect((await delega(agentKey, "GET", `/tasks/${task.id}/context`)).json.context).toEqual({
      step: "build",
      artifact: "build-42.tgz",
    });

    const comment = await delega(agentKey, "POST", `/tasks/${task.id}/comments`, {
      content: "Deploying",
      author: "delega-agent",
    });
    expect(comment.ok).toBe(true);
    expect(comment.json).toMatchObject({
      task_id: task.id,
      content: "Deploying",
      author: "delega-agent",
    });
    for (const field of ["id", "created_at"]) expect(comment.json).toHaveProperty(field);
    const comments = await delega(agentKey, "GET", `/tasks/${task.id}/comments`);
    expect(comments.json.map((c: { content: string }) => c.content)).toEqual(["Deploying"]);

    const completed = await delega(agentKey, "POST", `/tasks/${task.id}/complete`);
    expect(completed.json).toMatchObject({ id: task.id, completed: true, status: "completed" });
    expect(completed.json.completed_at).toEqual(expect.any(String));
    const reopened = await delega(agentKey, "POST", `/tasks/${task.id}/uncomplete`);
    expect(reopened.json.completed).toBe(false);
    // PUT {completed: true} completes, as the Delega SDK's update does.
    expect(
      (await delega(agentKey, "PUT", `/tasks/${task.id}`, { completed: true })).json.completed,
    ).toBe(true);
    const done = await delega(agentKey, "GET", "/tasks?completed=true");
    expect(done.json.map((t: { id: number }) => t.id)).toContain(task.id);

    const deleted = await delega(agentKey, "DELETE", `/tasks/${task.id}`);
    expect(deleted.ok).toBe(true);
    expect(deleted.json).toEqual({ ok: true });
  });

  it("manages agents: create returns api_key once, PATCH updates, rotate, DELETE {ok, deleted}", async () => {
    const created = await delega(adminKey, "POST", "/agents", {
      name: "helper",
      display_name: "Helper",
      description: "Helps",
      permissions: ["tasks:own"],
    });
    expect(created.ok).toBe(true);
    expect(created.json).toMatchObject({
      id: "helper",
      name: "helper",
      display_name: "Helper",
      is_admin: false,
      active: true,
    });
    expect(created.json.api_key).toMatch(/^bat_/);
    const listed = await delega(adminKey, "GET", "/agents");
    expect(listed.json.find((a: { id: string }) => a.id === "helper")).not.toHaveProperty(
      "api_key",
    );
    const patched = await delega(adminKey, "PATCH", "/agents/helper", {
      description: "Helps a lot",
    });
    expect(patched.json.description).toBe("Helps a lot");
    const rotated = await delega(adminKey, "POST", "/agents/helper/rotate-key");
    expect(rotated.json.api_key).toMatch(/^bat_/);
    expect((await delega(created.json.api_key, "GET", "/agent/me")).status).toBe(401);
    expect((await delega(rotated.json.api_key, "GET", "/agent/me")).json.id).toBe("helper");
    expect((await delega(adminKey, "DELETE", "/agents/helper")).json).toEqual({
      ok: true,
      deleted: "helper",
    });
  });

  it("manages projects with Delega's fields", async () => {
    const created = await delega(adminKey, "POST", "/projects", {
      name: "Infra",
      emoji: "🛠️",
      color: "#1d76db",
    });
    expect(created.ok).toBe(true);
    expect(created.json).toMatchObject({ name: "Infra", emoji: "🛠️", sort_order: 0 });
    expect(typeof created.json.id).toBe("number");
    const put = await delega(adminKey, "PUT", `/projects/${created.json.id}`, {
      name: "Infrastructure",
    });
    expect(put.json.name).toBe("Infrastructure");
    expect(
      (await delega(adminKey, "GET", "/projects")).json.map((p: { id: number }) => p.id),
    ).toContain(created.json.id);
    expect((await delega(adminKey, "DELETE", `/projects/${created.json.id}`)).json).toEqual({
      ok: true,
    });
  });

  it("answers errors the clients can read from `error` (401, 403, 404, 422)", async () => {
    const unauthorized = await delega("dlg_wrong_key", "GET", "/tasks");
    expect(unauthorized.status).toBe(401);
    expect(errorText(unauthorized.json)).toMatch(/key/i);
    const forbidden = await delega(agentKey, "POST", "/agents", { name: "nope" });
    expect(forbidden.status).toBe(403);
    expect(errorText(forbidden.json)).toEqual(expect.any(String));
    const missing = await delega(agentKey, "GET", "/tasks/999999");
    expect(missing.status).toBe(404);
    expect(errorText(missing.json)).toEqual(expect.any(String));
    const invalid = await delega(agentKey, "POST", "/tasks", { content: "" });
    expect(invalid.status).toBe(422);
    expect(errorText(invalid.json)).toMatch(/content/);
    const serverOnly = await delega(agentKey, "POST", "/tasks", {
      content: "x",
      delegation_depth: 3,
    });
    expect(serverOnly.status).toBe(400);
    expect(errorText(serverOnly.json)).toEqual(expect.any(String));
  });

  it("accepts Authorization: Bearer as well", async () => {
    const res = await fetch(`${stack.baton.url}/api/agent/me`, {
      headers: { Authorization: `Bearer ${agentKey}` },
    });
    expect(res.ok).toBe(true);
  });
});
