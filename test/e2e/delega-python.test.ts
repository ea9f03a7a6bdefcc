import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PythonApiError, pythonClient, type Json } from "../support/delega-clients.js";
import { startStack, type Stack } from "../support/stack.js";

/*
 * The Python SDK (`delega`, `Delega(api_url="http://127.0.0.1:PORT")`) against Baton: every call
 * of its client.py made as its HTTPClient makes it (Python's urlencode: True/False, repeated
 * keys), checking the fields its models read.
 */

let stack: Stack;
let admin: ReturnType<typeof pythonClient>;
let sdk: ReturnType<typeof pythonClient>;

beforeAll(async () => {
  stack = await startStack({ env: { BATON_ALLOW_PRIVATE_WEBHOOKS: "true" } });
  const [adminKey, agentKey] = await Promise.all([
    stack.createAgent("lead", "admin"),
    stack.createAgent("py-agent"),
  ]);
  admin = pythonClient(stack.baton.url, adminKey);
  sdk = pythonClient(stack.baton.url, agentKey);
});
afterAll(async () => {
  await stack?.stop();
});

const ids = (tasks: Json[]) => tasks.map((t) => t.id);

describe("Delega Python SDK against /api", () => {
  it("tasks.list sends every filter as Python encodes it, and gets a bare list", async () => {
    const soon: Json = await sdk("POST", "/tasks", {
      content: "Renew the domain",
      priority: 3,
      labels: ["dns", "billing"],
      due_date: "2030-06-10",
    });
    const later: Json = await sdk("POST", "/tasks", {
      content: "Archive old invoices",
      labels: ["billing"],
      due_date: "2030-09-01",
    });
    const list = (params: Record<string, unknown>) => sdk("GET", "/tasks", undefined, params);

    // The SDK's signature: priority, search, label, labels, due, due_after, due_before, completed.
    expect(ids(await list({ completed: false }))).toEqual(
      expect.arrayContaining([soon.id, later.id]),
    );
    expect(ids(await list({ priority: 3, completed: false }))).toEqual([soon.id]);
    expect(ids(await list({ search: "domain" }))).toEqual([soon.id]);
    expect(ids(await list({ label: "billing" })).sort()).toEqual([soon.id, later.id].sort());
    expect(ids(await list({ labels: ["billing", "dns"] }))).toEqual([soon.id]);
    expect(ids(await list({ due: "2030-09-01" }))).toEqual([later.id]);
    expect(ids(await list({ due_after: "2030-07-01" }))).toEqual([later.id]);
    expect(ids(await list({ due_before: "2030-07-01", labels: ["billing"] }))).toEqual([soon.id]);
    // tasks.search(query) is list(search=query).
    expect(ids(await list({ search: "invoices" }))).toEqual([later.id]);

    await sdk("POST", `/tasks/${soon.id}/complete`);
    expect(ids(await list({ completed: true }))).toContain(soon.id);
    expect(ids(await list({ completed: false }))).not.toContain(soon.id);
  });

  it("tasks.create/get/update(PUT)/complete/uncomplete/delete and Task.from_dict's fields", async () => {
    const task: Json = await sdk("POST", "/tasks", {
      content: "Write the quarterly report",
      description: "Q3",
      priority: 2,
      labels: ["reports"],
      due_date: "2030-10-01",
    });
    for (const field of [
      "id",
      "content",
      "description",
      "priority",
      "labels",
      "due_date",
      "completed",
      "project_id",
      "created_at",
      "updated_at",
    ])
      expect(task, field).toHaveProperty(field);
    expect((await sdk("GET", `/tasks/${task.id}`)).content).toBe("Write the quarterly report");
    // update(task_id, **fields) is a PUT of just those fields.
    const updated: Json = await sdk("PUT", `/tasks/${task.id}`, { priority: 4 });
    expect(updated).toMatchObject({ priority: 4, description: "Q3" });
    expect((await sdk("POST", `/tasks/${task.id}/complete`)).completed).toBe(true);
    expect((await sdk("POST", `/tasks/${task.id}/uncomplete`)).completed).toBe(false);
    // delete returns True on any 2xx.
    expect(await sdk("DELETE", `/tasks/${task.id}`)).toEqual({ ok: true });
    await expect(sdk("GET", `/tasks/${task.id}`)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("tasks.delegate, add_comment, list_comments", async () => {
    const parent: Json = await sdk("POST", "/tasks", { content: "Plan the offsite" });
    const child: Json = await sdk("POST", `/tasks/${parent.id}/delegate`, {
      content: "Book the venue",
      description: "40 people",
      priority: 3,
    });
    expect(child).toMatchObject({ parent_task_id: parent.id, content: "Book the venue" });
    // add_comment sends {content} only; Comment.from_dict reads id, task_id, content, created_at.
    const comment: Json = await sdk("POST", `/tasks/${parent.id}/comments`, {
      content: "Venue shortlist attached",
    });
    expect(comment).toMatchObject({ task_id: parent.id, content: "Venue shortlist attached" });
    expect(comment).toHaveProperty("created_at");
    expect((await sdk("GET", `/tasks/${parent.id}/comments`)).map((c: Json) => c.id)).toEqual([
      comment.id,
    ]);
  });

  it("agents.list/create/update(PATCH)/rotate_key/delete, me(), usage() (GET /stats)", async () => {
    const created: Json = await admin("POST", "/agents", {
      name: "py-helper",
      display_name: "Py Helper",
      description: "Helps",
    });
    expect(created).toMatchObject({
      id: "py-helper",
      name: "py-helper",
      display_name: "Py Helper",
    });
    expect(created.api_key).toMatch(/^bat_/);
    expect(created).toHaveProperty("created_at");
    expect((await admin("GET", "/agents")).map((a: Json) => a.id)).toContain("py-helper");
    const patched: Json = await admin("PATCH", "/agents/py-helper", { description: "Helps more" });
    expect(patched.description).toBe("Helps more");
    const rotated: Json = await admin("POST", "/agents/py-helper/rotate-key");
    expect(rotated.api_key).toMatch(/^bat_/);
    expect(await admin("DELETE", "/agents/py-helper")).toEqual({ ok: true, deleted: "py-helper" });

    // me() returns the dict as it is: the agent under `agent`, and at the top.
    const me: Json = await sdk("GET", "/agent/me");
    expect(me.agent).toMatchObject({ id: "py-agent", name: "py-agent" });
    expect(me.id).toBe("py-agent");
    const stats: Json = await sdk("GET", "/stats");
    expect(typeof stats.total_tasks).toBe("number");
  });

  it("projects.list/create, webhooks.list/create/delete", async () => {
    const project: Json = await admin("POST", "/projects", { name: "Research", emoji: "🔬" });
    expect(project).toMatchObject({ name: "Research", emoji: "🔬" });
    expect(typeof project.id).toBe("number");
    expect((await admin("GET", "/projects")).map((p: Json) => p.id)).toContain(project.id);

    const hook: Json = await admin("POST", "/webhooks", {
      url: "http://127.0.0.1:9/py-hook",
      events: ["task.completed"],
    });
    expect(hook).toMatchObject({ url: "http://127.0.0.1:9/py-hook", events: ["task.completed"] });
    expect((await admin("GET", "/webhooks")).map((w: Json) => w.id)).toContain(hook.id);
    expect(await admin("DELETE", `/webhooks/${hook.id}`)).toMatchObject({ ok: true });
    // Webhook secrets are the server's own: one sent by the SDK is refused with a reason.
    await expect(
      admin("POST", "/webhooks", {
        url: "http://127.0.0.1:9/py-hook",
        events: ["task.completed"],
        secret: "whsec_mine",
      }),
    ).rejects.toThrow(/secret/);
  });

  it("errors carry the message where the SDK looks (error, message)", async () => {
    const error = (await sdk("GET", "/tasks/424242").catch((e: unknown) => e)) as PythonApiError;
    expect(error).toBeInstanceOf(PythonApiError);
    expect(error).toMatchObject({ statusCode: 404, message: "No task #424242" });
  });
});
