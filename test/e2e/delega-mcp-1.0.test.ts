import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mcpClient, mcpError, type Json } from "../support/delega-clients.js";
import { startStack, type Stack } from "../support/stack.js";

/*
 * `@delega-dev/mcp` 1.0.x, its 14 tools, against Baton's `/api`: each test makes the tool's
 * requests as the client does (delega-client.ts) and checks the fields its formatter reads.
 */

let stack: Stack;
let adminKey: string;
let admin: ReturnType<typeof mcpClient>;
let worker: ReturnType<typeof mcpClient>;

beforeAll(async () => {
  stack = await startStack({ env: { BATON_ALLOW_PRIVATE_WEBHOOKS: "true" } });
  let workerKey: string;
  [adminKey, workerKey] = await Promise.all([
    stack.createAgent("lead", "admin"),
    stack.createAgent("builder"),
  ]);
  admin = mcpClient(stack.baton.url, adminKey);
  worker = mcpClient(stack.baton.url, workerKey);
});
afterAll(async () => {
  await stack?.stop();
});

describe("MCP 1.0.x tools against /api", () => {
  it("create_task, list_tasks, get_task, update_task, complete_task, delete_task", async () => {
    const task: Json = await worker("POST", "/tasks", {
      content: "Rotate the staging TLS certificate",
      description: "Expires Friday",
      labels: ["tls"],
      priority: 3,
      due_date: "2030-03-01",
    });
    // formatTask reads id, content, description, labels (array), priority, due_date, completed.
    expect(task).toMatchObject({
      content: "Rotate the staging TLS certificate",
      description: "Expires Friday",
      labels: ["tls"],
      priority: 3,
      due_date: "2030-03-01",
      completed: false,
      created_by_agent: { id: "builder", name: "builder" },
    });
    // list_tasks {label, completed}: query strings, a bare array back.
    const listed: Json[] = await worker("GET", "/tasks", undefined, {
      label: "tls",
      completed: "false",
    });
    expect(listed.map((t) => t.id)).toEqual([task.id]);
    // task_id arrives as a string as often as a number.
    expect((await worker("GET", `/tasks/${String(task.id)}`)).id).toBe(task.id);
    const updated: Json = await worker("PUT", `/tasks/${task.id}`, {
      content: "Rotate the staging TLS certificate today",
      priority: 4,
    });
    expect(updated).toMatchObject({ priority: 4, description: "Expires Friday" });
    // complete_task sends no body at all.
    expect((await worker("POST", `/tasks/${task.id}/complete`)).completed).toBe(true);
    // delete_task only needs a 2xx.
    await expect(worker("DELETE", `/tasks/${task.id}`)).resolves.toEqual({ ok: true });
    expect((await mcpError(worker("GET", `/tasks/${task.id}`))).status).toBe(404);
  });

  it("add_comment {author}: the comment is signed by the caller and the answer says so", async () => {
    const task: Json = await worker("POST", "/tasks", { content: "Write the release notes" });
    const comment: Json = await worker("POST", `/tasks/${task.id}/comments`, {
      content: "Draft is up",
      author: "Release Bot",
    });
    // The tool prints `"content" — author`.
    expect(comment).toMatchObject({ content: "Draft is up", author: "builder" });
    expect(comment.notice).toMatch(/author "Release Bot" was not used.*"builder"/);
    const own: Json = await worker("POST", `/tasks/${task.id}/comments`, {
      content: "Done",
      author: "builder",
    });
    expect(own).not.toHaveProperty("notice");
  });

  it("list_projects and get_stats: by_project is {name: open count}, total as the tool reads it", async () => {
    const project: Json = await admin("POST", "/projects", { name: "Billing" });
    expect((await admin("GET", "/projects")).map((p: Json) => p.name)).toContain("Billing");
    await admin("POST", "/tasks", { content: "Invoice run for March", project_id: project.id });
    await admin("POST", "/tasks", { content: "Refund ticket 88", project_id: project.id });
    await admin("POST", "/tasks", { content: "Tidy the wiki sidebar" });

    const stats: Json = await admin("GET", "/stats");
    for (const field of ["total", "completed_today", "due_today", "overdue"])
      expect(typeof stats[field], field).toBe("number");
    // The tool prints `${name}: ${count}` for each entry: numbers, not objects.
    const lines = Object.entries(stats.by_project).map(([name, count]) => `${name}: ${count}`);
    expect(lines).toContain("Billing: 2");
    expect(lines.some((line) => /^Inbox: \d+$/.test(line))).toBe(true);
    expect(lines.join("\n")).not.toContain("[object Object]");
    // /v1 keeps Baton's own shape: a list with totals per project.
    const v1 = await stack.api(adminKey, "GET", "/v1/stats");
    expect(v1.json.by_project).toContainEqual({
      project_id: project.id,
      name: "Billing",
      total: 2,
      completed: 0,
    });
  });

  it("list_agents and register_agent {permissions}: granted as a role, said in the answer", async () => {
    const registered: Json = await admin("POST", "/agents", {
      name: "auditor",
      display_name: "Auditor",
      description: "Reads everything",
      permissions: ["tasks.read_all"],
    });
    // formatAgent reads id, name, display_name, api_key, role, permissions, active.
    expect(registered).toMatchObject({
      id: "auditor",
      name: "auditor",
      role: "coordinator",
      active: true,
      open_task_count: 0,
    });
    expect(registered.api_key).toMatch(/^bat_/);
    expect(registered.permissions).toContain("tasks:read_all");
    expect(registered.notice).toMatch(/tasks\.read_all → role "coordinator"/);

    // tasks.read_all grants what it says: the auditor reads a task it has nothing to do with.
    const secret: Json = await worker("POST", "/tasks", { content: "Builder's own errand" });
    const auditor = mcpClient(stack.baton.url, registered.api_key);
    expect((await auditor("GET", `/tasks/${secret.id}`)).content).toBe("Builder's own errand");

    const unknown = await mcpError(
      admin("POST", "/agents", { name: "nobody", permissions: ["tasks.assign_any"] }),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.detail).toMatch(/Unknown permission tasks\.assign_any/);
    const byWorker = await mcpError(
      worker("POST", "/agents", { name: "sneaky", permissions: ["tasks.read_all"] }),
    );
    expect(byWorker.status).toBe(403);

    const agents: Json[] = await worker("GET", "/agents");
    const auditorRow = agents.find((a) => a.id === "auditor");
    expect(auditorRow).toMatchObject({ role: "coordinator", active: true, open_task_count: 0 });
    expect(auditorRow).not.toHaveProperty("api_key");
  });

  it("list_webhooks, create_webhook {url, events}, delete_webhook", async () => {
    const hook: Json = await admin("POST", "/webhooks", {
      url: "http://127.0.0.1:9/delega-hook",
      events: ["task.created", "task.completed"],
    });
    // The tool prints id, url, events and the secret to verify with.
    expect(hook).toMatchObject({
      url: "http://127.0.0.1:9/delega-hook",
      events: ["task.created", "task.completed"],
      active: true,
    });
    expect(hook.secret).toMatch(/^whsec_/);
    expect((await admin("GET", "/webhooks")).map((w: Json) => w.id)).toContain(hook.id);
    // webhook_id arrives as a string.
    await admin("DELETE", `/webhooks/${String(hook.id)}`);
    expect((await admin("GET", "/webhooks")).map((w: Json) => w.id)).not.toContain(hook.id);
  });

  it("tool errors: the one-line reason is read from `error`", async () => {
    const missing = await mcpError(worker("GET", "/tasks/987654"));
    expect(missing.status).toBe(404);
    expect(missing.detail).toBe("No task #987654");
    const invalid = await mcpError(worker("POST", "/tasks", { content: " " }));
    expect(invalid.status).toBe(422);
    expect(invalid.detail).toMatch(/content: must not be blank/);
  });
});
