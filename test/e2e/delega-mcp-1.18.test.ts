import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mcpClient, mcpError, type Json } from "../support/delega-clients.js";
import { startStack, type Stack } from "../support/stack.js";

/*
 * `@delega-dev/mcp` 1.18's tools beyond the first 14, against Baton's `/api`, as its
 * delega-client.ts calls them, checking what its formatters read. Claims, links and fleet
 * attention are Baton's coordination routes (issue #17); recurrences, automations, ingress, usage
 * and context history are hosted-only (docs/delega-compatibility.md).
 */

let stack: Stack;
let admin: ReturnType<typeof mcpClient>;
let worker: ReturnType<typeof mcpClient>;
let helper: ReturnType<typeof mcpClient>;

beforeAll(async () => {
  stack = await startStack();
  const [adminKey, workerKey, helperKey] = await Promise.all([
    stack.createAgent("lead", "admin"),
    stack.createAgent("builder"),
    stack.createAgent("tester"),
  ]);
  admin = mcpClient(stack.baton.url, adminKey);
  worker = mcpClient(stack.baton.url, workerKey);
  helper = mcpClient(stack.baton.url, helperKey);
});
afterAll(async () => {
  await stack?.stop();
});

describe("MCP 1.18 tools against /api", () => {
  it("update_task_context: expected_version in the query guards the write; a conflict gives version and context", async () => {
    const task: Json = await worker("POST", "/tasks", { content: "Migrate the orders table" });
    // get_task_context: GET …/context (with ?include=provenance when asked), reads context and version.
    const read: Json = await worker("GET", `/tasks/${task.id}/context`, undefined, {
      include: "provenance",
    });
    expect(read).toMatchObject({ context: {}, version: 0 });

    // The client sends the bare keys as the body and the guard as ?expected_version=N.
    const first: Json = await worker(
      "PATCH",
      `/tasks/${task.id}/context`,
      { step: "schema" },
      { expected_version: "0", source: "agent_observed" },
    );
    expect(first).toMatchObject({ context: { step: "schema" }, version: 1 });

    // A stale writer (still at version 0) is refused and nothing is saved.
    const stale = await mcpError(
      worker("PATCH", `/tasks/${task.id}/context`, { step: "stale" }, { expected_version: "0" }),
    );
    expect(stale.status).toBe(409);
    // The tool prints `Current context (version ${body.version})` and the context to merge with.
    const body = JSON.parse(stale.responseBody) as Json;
    expect(body).toMatchObject({
      version: 1,
      current_version: 1,
      context: { step: "schema" },
      code: "context_version_conflict",
    });
    expect((await worker("GET", `/tasks/${task.id}/context`)).context).toEqual({ step: "schema" });

    // A bad guard is a 422 with a reason, not an unguarded write.
    const bad = await mcpError(
      worker("PATCH", `/tasks/${task.id}/context`, { step: "x" }, { expected_version: "-1" }),
    );
    expect(bad.status).toBe(422);
    expect(bad.detail).toMatch(/expected_version/);
  });

  it("get_task reads GET /tasks/{id}/links; link_task and list_task_links", async () => {
    const task: Json = await worker("POST", "/tasks", { content: "Fix the login redirect loop" });
    // get_task: GET /tasks/{id}, then GET /tasks/{id}/links, then formatTaskDetail({...task, links}).
    const fresh: Json = await worker("GET", `/tasks/${task.id}`);
    expect(await worker("GET", `/tasks/${task.id}/links`)).toEqual([]);
    expect(fresh.content).toBe("Fix the login redirect loop");

    // link_task sends {kind, repo: repo ?? null, ref, url: url ?? null} and prints the answer.
    const link: Json = await worker("POST", `/tasks/${task.id}/links`, {
      kind: "branch",
      repo: "acme/web",
      ref: "fix/login-loop",
      url: null,
    });
    expect(link).toMatchObject({ kind: "branch", repo: "acme/web", ref: "fix/login-loop" });
    await worker("POST", `/tasks/${task.id}/links`, {
      kind: "pr",
      repo: null,
      ref: "18",
      url: "https://github.com/acme/web/pull/18",
    });
    // list_task_links and formatTaskLinkLines print `${kind}: ${repo ? repo + " " : ""}${ref} — url`.
    const links: Json[] = await worker("GET", `/tasks/${task.id}/links`);
    expect(
      links.map(
        (l) => `${l.kind}: ${l.repo ? `${l.repo} ` : ""}${l.ref}${l.url ? ` — ${l.url}` : ""}`,
      ),
    ).toEqual(["branch: acme/web fix/login-loop", "pr: 18 — https://github.com/acme/web/pull/18"]);
    // Another worker reads them (open work nobody is assigned), but may not add one.
    expect(await helper("GET", `/tasks/${task.id}/links`)).toHaveLength(2);
    const notHeld = await mcpError(
      helper("POST", `/tasks/${task.id}/links`, {
        kind: "branch",
        repo: null,
        ref: "x",
        url: null,
      }),
    );
    expect(notHeld.status).toBe(403);
    // An unknown kind is refused with the reason the tool shows.
    const bad = await mcpError(
      worker("POST", `/tasks/${task.id}/links`, { kind: "ticket", ref: "1" }),
    );
    expect(bad.status).toBe(422);
    expect(bad.detail).toMatch(/kind: must be one of branch, commit, pr, url/);
  });

  it("fleet_attention reads {count, buckets} with the six buckets", async () => {
    const attention: Json = await admin("GET", "/fleet/attention");
    expect(Object.keys(attention.buckets).sort()).toEqual([
      "abandoned_claims",
      "errored",
      "looping",
      "overdue",
      "silent_holders",
      "waiting_input",
    ]);
    expect(typeof attention.count).toBe("number");
  });

  it("get_task shows the checklist; sub-task items tick and untick", async () => {
    const task: Json = await worker("POST", "/tasks", { content: "Cut release 3.1" });
    const item: Json = await worker("POST", `/tasks/${task.id}/subtasks`, {
      content: "Freeze the branch",
    });
    await worker("POST", `/tasks/${task.id}/subtasks`, { content: "Tag v3.1.0" });
    expect(item).toMatchObject({
      task_id: task.id,
      content: "Freeze the branch",
      completed: false,
    });
    await worker("POST", `/tasks/${task.id}/subtasks/${item.id}/toggle`);
    // formatTaskDetail prints `[#id] content (done|pending)` for each of t.subtasks.
    const got: Json = await worker("GET", `/tasks/${task.id}`);
    expect(
      got.subtasks.map(
        (s: Json) => `[#${s.id}] ${s.content} (${s.completed ? "done" : "pending"})`,
      ),
    ).toEqual([`[#${item.id}] Freeze the branch (done)`, `[#${item.id + 1}] Tag v3.1.0 (pending)`]);
  });

  it("the checklist is a task list on the issue: people tick it on github.com, agents see it", async () => {
    const task: Json = await worker("POST", "/tasks", { content: "Prepare the board deck" });
    const ping: Json = await worker("POST", `/tasks/${task.id}/subtasks`, {
      content: "Ping @alice about #12",
    });
    const draft: Json = await worker("POST", `/tasks/${task.id}/subtasks`, {
      content: "Draft the slides",
    });
    const body = stack.double.state.issues.get(task.id)!.body!;
    // Defused: no mention, no cross-reference, exactly as agents' descriptions.
    expect(body).toContain("- [ ] Ping @\u200balice about #\u200b12\n- [ ] Draft the slides");

    // Alice ticks "Draft the slides" in the issue on github.com.
    const res = await fetch(`${stack.double.url}/api/v3/repos/acme/tasks/issues/${task.id}`, {
      method: "PATCH",
      headers: { authorization: "token user:alice", "content-type": "application/json" },
      body: JSON.stringify({ body: body.replace("- [ ] Draft", "- [x] Draft") }),
    });
    expect(res.status).toBe(200);
    await stack.double.waitForWebhooksIdle();
    const items: Json[] = await worker("GET", `/tasks/${task.id}/subtasks`);
    expect(items).toEqual([
      {
        id: ping.id,
        task_id: task.id,
        content: "Ping @alice about #12",
        completed: false,
        sort_order: 0,
      },
      {
        id: draft.id,
        task_id: task.id,
        content: "Draft the slides",
        completed: true,
        sort_order: 1,
      },
    ]);

    // Renaming and removing items by id; an unknown id is a 404.
    const renamed: Json = await worker("PUT", `/tasks/${task.id}/subtasks/${ping.id}`, {
      content: "Ping Alice",
    });
    expect(renamed).toMatchObject({ id: ping.id, content: "Ping Alice", completed: false });
    await worker("DELETE", `/tasks/${task.id}/subtasks/${draft.id}`);
    expect((await worker("GET", `/tasks/${task.id}/subtasks`)).map((s: Json) => s.id)).toEqual([
      ping.id,
    ]);
    const gone = await mcpError(worker("POST", `/tasks/${task.id}/subtasks/${draft.id}/toggle`));
    expect(gone.status).toBe(404);
    // Another worker may not change it (it sees the open task, but does not hold it).
    expect(
      (await mcpError(helper("POST", `/tasks/${task.id}/subtasks`, { content: "x" }))).status,
    ).toBe(403);
  });

  it("assign_task {agent_id|null}, delegate_task, get_task_chain", async () => {
    const root: Json = await worker("POST", "/tasks", { content: "Ship the search page" });
    const assigned: Json = await worker("PUT", `/tasks/${root.id}`, {
      assigned_to_agent_id: "tester",
    });
    expect(assigned.assigned_to_agent).toMatchObject({ id: "tester", name: "tester" });
    const unassigned: Json = await worker("PUT", `/tasks/${root.id}`, {
      assigned_to_agent_id: null,
    });
    expect(unassigned.assigned_to_agent_id).toBeNull();

    const child: Json = await worker("POST", `/tasks/${root.id}/delegate`, {
      content: "Write the search API tests",
      labels: ["tests"],
      priority: 3,
      assigned_to_agent_id: "tester",
    });
    expect(child).toMatchObject({
      parent_task_id: root.id,
      root_task_id: root.id,
      delegation_depth: 1,
      assigned_to_agent_id: "tester",
    });
    // The tester sees its task; the chain answer is read as {root | root_id, chain, depth, counts}.
    expect((await helper("GET", `/tasks/${child.id}`)).content).toBe("Write the search API tests");
    const chain: Json = await worker("GET", `/tasks/${child.id}/chain`);
    expect(chain.root_id ?? chain.root?.id).toBe(root.id);
    expect(chain).toMatchObject({ depth: 1, completed_count: 0, total_count: 2 });
    expect(chain.chain.map((t: Json) => t.id)).toEqual([root.id, child.id]);
  });

  it("delegate_task: a sub-step that resembles its parent is created, not refused as its duplicate", async () => {
    // Issue 16: Delega's clients cannot send allow_duplicate, and this delegation answered 409.
    const parent: Json = await worker("POST", "/tasks", {
      content: "Fix the login page crash on Safari",
    });
    const reproduce: Json = await worker("POST", `/tasks/${parent.id}/delegate`, {
      content: "Reproduce the login page crash on Safari 17",
    });
    expect(reproduce).toMatchObject({ parent_task_id: parent.id, delegation_depth: 1 });
    // Outside the chain this one is the parent's duplicate; under the parent it is created.
    const narrower = "Fix the login page crash on Safari 17";
    const outside: Json = await worker("POST", "/tasks/dedup", { content: narrower });
    expect(outside.matches.map((m: Json) => m.task_id)).toContain(parent.id);
    const child: Json = await worker("POST", `/tasks/${parent.id}/delegate`, { content: narrower });
    expect(child).toMatchObject({ parent_task_id: parent.id, delegation_depth: 1 });
  });

  it("find_duplicate_tasks {content, threshold}: {has_duplicates, matches: [{task_id, content, score}]}", async () => {
    const original: Json = await worker("POST", "/tasks", {
      content: "Renew the TLS certificate for api.example.com",
    });
    const result: Json = await worker("POST", "/tasks/dedup", {
      content: "Renew the TLS certificate for api.example.com",
      threshold: 0.5,
    });
    expect(result.has_duplicates).toBe(true);
    expect(result.matches[0]).toMatchObject({ task_id: original.id });
    expect(typeof result.matches[0].score).toBe("number");
  });

  it("set_agent_role (PUT {role}) and delete_agent; a worker cannot grant itself permissions", async () => {
    await admin("POST", "/agents", { name: "reviewer" });
    const promoted: Json = await admin("PUT", "/agents/reviewer", { role: "coordinator" });
    expect(promoted).toMatchObject({ role: "coordinator", open_task_count: 0 });

    const selfGrant = await mcpError(
      worker("PUT", "/agents/builder", { permissions: ["tasks.read_all"] }),
    );
    expect(selfGrant.status).toBe(403);
    expect(selfGrant.detail).toMatch(/Only an admin agent may/);
    const me: Json = await worker("GET", "/agent/me");
    expect(me.agent).toMatchObject({ id: "builder", role: "worker" });

    // An admin's permissions change says which role it became.
    const granted: Json = await admin("PATCH", "/agents/reviewer", { permissions: [] });
    expect(granted).toMatchObject({ role: "worker" });
    expect(granted.notice).toMatch(/no permissions → role "worker"/);

    await admin("DELETE", "/agents/reviewer");
    expect((await admin("GET", "/agents/reviewer")).active).toBe(false);
  });

  it("list_agents carries open_task_count (the open tasks an agent holds)", async () => {
    const before = ((await admin("GET", "/agents/tester")) as Json).open_task_count as number;
    const task: Json = await admin("POST", "/tasks", {
      content: "Check the flaky upload test",
      assigned_to_agent_id: "tester",
    });
    expect((await admin("GET", "/agents/tester")).open_task_count).toBe(before + 1);
    await admin("POST", `/tasks/${task.id}/complete`);
    const agents: Json[] = await admin("GET", "/agents");
    expect(agents.find((a) => a.id === "tester")?.open_task_count).toBe(before);
  });
});
