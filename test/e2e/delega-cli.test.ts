import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliClient, cliServerMessage, type Json } from "../support/delega-clients.js";
import { startStack, type Stack } from "../support/stack.js";

/*
 * `@delega-dev/cli` 1.2.1's commands against Baton, with `DELEGA_API_URL` set to the server
 * root on localhost (the CLI adds `/api`): each test makes the command's requests as its source
 * does and checks the fields it prints.
 */

let stack: Stack;
let admin: ReturnType<typeof cliClient>;
let worker: ReturnType<typeof cliClient>;
let workerKey: string;

beforeAll(async () => {
  stack = await startStack();
  let adminKey: string;
  [adminKey, workerKey] = await Promise.all([
    stack.createAgent("lead", "admin"),
    stack.createAgent("builder"),
  ]);
  admin = cliClient(stack.baton.url, adminKey);
  worker = cliClient(stack.baton.url, workerKey);
});
afterAll(async () => {
  await stack?.stop();
});

describe("Delega CLI 1.2.1 against /api", () => {
  it("status: {apiUrl without /v1}/health, then /agent/me and /stats", async () => {
    // status strips a trailing /v1 only, so with /api it asks for /api/health.
    const health = await fetch(`${worker.apiUrl.replace(/\/v1\/?$/, "")}/health`);
    expect(health.ok).toBe(true);
    expect(((await health.json()) as Json).version).toEqual(expect.any(String));
    expect((await fetch(`${stack.baton.url}/v1/health`)).ok).toBe(true);

    const me = await worker("GET", "/agent/me");
    // Prints agent.display_name || agent.name, agent.id, agent.active.
    expect(me.data.agent).toMatchObject({ id: "builder", name: "builder", active: true });
    const stats = await worker("GET", "/stats");
    // Prints `${completed_tasks} completed / ${pending_tasks} pending / ${total_tasks} total`.
    for (const field of ["total_tasks", "completed_tasks", "pending_tasks"])
      expect(typeof stats.data[field], field).toBe("number");
  });

  it("whoami and login: GET /agent/me answers {agent: {...}}; /v1 keeps the agent at the top", async () => {
    const me = await worker("GET", "/agent/me");
    expect(me.ok).toBe(true);
    expect(me.data.agent).toMatchObject({ id: "builder", name: "builder", active: true });
    // Baton's own readers (its SDK on localhost) still find the fields at the top.
    expect(me.data).toMatchObject({ id: "builder", role: "worker" });
    const v1 = await stack.api(workerKey, "GET", "/v1/agent/me");
    expect(v1.json).toMatchObject({ id: "builder", open_task_count: 0 });
    expect(v1.json).not.toHaveProperty("agent");
  });

  it("tasks create/list/show/complete/delete with the CLI's bodies", async () => {
    // tasks create <content> --priority 1 --labels a,b --due: {content, priority, labels, due_date}.
    const created = await worker("POST", "/tasks", {
      content: "Bump the Node version in CI",
      priority: 1,
      labels: ["ci", "node"],
      due_date: "2030-05-01",
    });
    expect(created.ok).toBe(true);
    const task = created.data;
    expect(task).toMatchObject({ priority: 1, status: "open", due_date: "2030-05-01" });
    // tasks list --completed --limit 5: query string, bare array.
    const open = await worker("GET", "/tasks?limit=5");
    expect(open.data.map((t: Json) => t.id)).toContain(task.id);
    // tasks show: id, content, status, priority, labels, parent/root, delegation_depth, context.
    const shown = await worker("GET", `/tasks/${task.id}`);
    expect(shown.data).toMatchObject({ id: task.id, root_task_id: task.id, delegation_depth: 0 });
    expect((await worker("POST", `/tasks/${task.id}/complete`)).data.status).toBe("completed");
    const done = await worker("GET", "/tasks?completed=true&limit=5");
    expect(done.data.map((t: Json) => t.id)).toContain(task.id);
    // tasks delete: GET first (to print the content), then DELETE.
    expect((await worker("DELETE", `/tasks/${task.id}`)).ok).toBe(true);
  });

  it("tasks delegate/assign/chain/set-context/dedup", async () => {
    const root = (await worker("POST", "/tasks", { content: "Upgrade the Postgres cluster" })).data;
    // tasks delegate <task_id> <agent_id> --content: {assigned_to_agent_id, content}.
    const child = await worker("POST", `/tasks/${root.id}/delegate`, {
      assigned_to_agent_id: "builder",
      content: "Take a base backup first",
    });
    expect(child.ok).toBe(true);
    expect(child.data).toMatchObject({ parent_task_id: root.id, delegation_depth: 1 });
    // tasks assign --unassign: PUT {assigned_to_agent_id: null}.
    const unassigned = await worker("PUT", `/tasks/${child.data.id}`, {
      assigned_to_agent_id: null,
    });
    expect(unassigned.data.assigned_to_agent_id).toBeNull();
    // tasks chain: root_id ?? root.id, depth, completed_count/total_count, chain[].
    const chain = await worker("GET", `/tasks/${child.data.id}/chain`);
    expect(chain.data.root_id ?? chain.data.root.id).toBe(root.id);
    expect(chain.data).toMatchObject({ depth: 1, completed_count: 0, total_count: 2 });
    // tasks set-context --kv a=1 --kv b=x: a bare object of keys.
    const context = await worker("PATCH", `/tasks/${root.id}/context`, { a: 1, b: "x" });
    expect(context.data.context).toEqual({ a: 1, b: "x" });
    // tasks dedup --content --threshold: {content, threshold}; prints matches[].
    const dedup = await worker("POST", "/tasks/dedup", {
      content: "Upgrade the Postgres cluster",
      threshold: 0.6,
    });
    expect(dedup.data.matches.map((m: Json) => m.task_id)).toContain(root.id);
  });

  it("tasks delegate: a sub-step that resembles its parent is created, not refused as its duplicate", async () => {
    // Issue 16: the CLI cannot send allow_duplicate, and this delegation answered 409.
    const parent = (
      await worker("POST", "/tasks", { content: "Fix the login page crash on Safari" })
    ).data;
    const delegate = (content: string) =>
      worker("POST", `/tasks/${parent.id}/delegate`, { assigned_to_agent_id: "builder", content });
    const reproduce = await delegate("Reproduce the login page crash on Safari 17");
    expect(reproduce.ok).toBe(true);
    expect(reproduce.data).toMatchObject({ parent_task_id: parent.id, delegation_depth: 1 });
    // Outside the chain this one is the parent's duplicate (tasks dedup); under the parent it is created.
    const narrower = "Fix the login page crash on Safari 17";
    const outside = await worker("POST", "/tasks/dedup", { content: narrower });
    expect(outside.data.matches.map((m: Json) => m.task_id)).toContain(parent.id);
    const child = await delegate(narrower);
    expect(child.ok).toBe(true);
    expect(child.data).toMatchObject({ parent_task_id: parent.id, delegation_depth: 1 });
  });

  it("agents list/create/rotate/delete: rotate and delete read the agent first", async () => {
    const created = await admin("POST", "/agents", { name: "ops-bot", display_name: "Ops Bot" });
    expect(created.data.api_key).toMatch(/^bat_/);
    const listed = await admin("GET", "/agents");
    expect(listed.data.find((a: Json) => a.id === "ops-bot")).toMatchObject({
      name: "ops-bot",
      active: true,
      open_task_count: 0,
    });
    expect((await admin("GET", "/agents/ops-bot")).data.name).toBe("ops-bot");
    const rotated = await admin("POST", "/agents/ops-bot/rotate-key");
    expect(rotated.data).toMatchObject({ id: "ops-bot" });
    expect(rotated.data.api_key).toMatch(/^bat_/);
    expect((await admin("DELETE", "/agents/ops-bot")).data).toEqual({
      ok: true,
      deleted: "ops-bot",
    });
  });

  it("errors: the CLI prints `error` (or `message`) after its own prefix", async () => {
    const forbidden = await worker("POST", "/agents", { name: "nope" });
    expect(forbidden.status).toBe(403);
    expect(cliServerMessage(forbidden.data)).toBe("Only an admin agent may register agents");
    const invalid = await worker("POST", "/tasks", { content: "x", delegation_depth: 2 });
    expect(invalid.status).toBe(400);
    expect(cliServerMessage(invalid.data)).toMatch(/delegation_depth is set by the server/);
    expect(invalid.data.detail).toBe(invalid.data.error);
    // A root task's fields echoed back (delegation_depth: 0) are accepted.
    const echoed = await worker("POST", "/tasks", {
      content: "Echoed root task",
      delegation_depth: 0,
      parent_task_id: null,
    });
    expect(echoed.status).toBe(201);
    expect(echoed.data.delegation_depth).toBe(0);
  });
});
