import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, isolatedHome } from "../support/cli-runner.js";
import { startStack, type Stack } from "../support/stack.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TOOLS = [
  "list_tasks",
  "get_task",
  "create_task",
  "update_task",
  "complete_task",
  "delete_task",
  "add_comment",
  "list_projects",
  "get_stats",
  "list_agents",
  "register_agent",
  "delete_agent",
  "list_webhooks",
  "create_webhook",
  "delete_webhook",
  "assign_task",
  "delegate_task",
  "get_task_chain",
  "get_task_history",
  "update_task_context",
  "find_duplicate_tasks",
  "claim_task",
  "heartbeat_task",
  "set_task_state",
  "release_task",
  "link_task",
  "list_task_links",
  "fleet_attention",
  "add_task_dependency",
  "remove_task_dependency",
];

let stack: Stack;
let adminKey: string;
let workerKey: string;

beforeAll(async () => {
  stack = await startStack({ env: { BATON_ALLOW_PRIVATE_WEBHOOKS: "true" } });
  [adminKey, workerKey] = await Promise.all([
    stack.createAgent("admin", "admin"),
    stack.createAgent("builder"),
  ]);
});
afterAll(async () => {
  await stack?.stop();
});

async function stdioClient(key: string): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [join(ROOT, "bin/baton.js"), "mcp"],
      env: { ...cleanEnv(), ...isolatedHome(), BATON_URL: stack.baton.url, BATON_AGENT_KEY: key },
      stderr: "pipe",
    }),
  );
  return client;
}

async function httpClient(key: string): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${stack.baton.url}/mcp`), {
      requestInit: { headers: { "x-agent-key": key } },
    }),
  );
  return client;
}

interface ToolAnswer {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const answer = (await client.callTool({ name, arguments: args })) as ToolAnswer;
  return { isError: answer.isError === true, text: answer.content.map((c) => c.text).join("\n") };
}

describe.each([
  ["stdio (baton mcp)", stdioClient],
  ["streamable HTTP (/mcp)", httpClient],
])("MCP over %s", (transport, connect) => {
  let worker: Client;
  let admin: Client;
  beforeAll(async () => {
    [worker, admin] = await Promise.all([connect(workerKey), connect(adminKey)]);
  });
  afterAll(async () => {
    await Promise.all([worker?.close(), admin?.close()]);
  });

  it("lists Delega's tools, each with a description and an input schema", async () => {
    const { tools } = await worker.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(30);
      expect(tool.inputSchema.type).toBe("object");
    }
    const create = tools.find((t) => t.name === "create_task")!;
    expect(create.inputSchema.required).toEqual(["content"]);
  });

  it("runs the task loop with concise answers holding ids and URLs", async () => {
    const created = await call(worker, "create_task", {
      content: `Deploy staging build (${transport})`,
      priority: 3,
      labels: ["deploy"],
    });
    expect(created.isError).toBe(false);
    expect(created.text).toMatch(
      /^Created #\d+ \[open\] Deploy staging build .*priority 3 high.* http\S+\/issues\/\d+$/,
    );
    const id = Number(/#(\d+)/.exec(created.text)![1]);

    const listed = await call(worker, "list_tasks", { limit: 10 });
    expect(listed.text).toContain(`#${id} [open]`);
    // task_id as a string, as some clients send it
    const updated = await call(worker, "update_task", {
      task_id: String(id),
      description: "Build 42",
      status: "in_progress",
    });
    expect(updated.text).toMatch(new RegExp(`^Updated #${id} \\[in_progress\\]`));
    expect((await call(worker, "add_comment", { task_id: id, content: "Deploying" })).text).toMatch(
      new RegExp(`^Commented on #${id} as builder: http`),
    );
    expect(
      (await call(worker, "update_task_context", { task_id: id, context: { build: 42 } })).text,
    ).toBe(`Context of #${id} is now version 1: {"build":42}`);
    const detail = await call(worker, "get_task", { task_id: `#${id}` });
    expect(detail.text).toContain("Description: Build 42");
    expect(detail.text).toContain("- builder at");
    expect(detail.text).toContain('Context (version 1): {"build":42}');

    expect((await call(admin, "assign_task", { task_id: id, agent_id: "admin" })).text).toContain(
      "held by admin",
    );
    expect((await call(admin, "assign_task", { task_id: id, agent_id: null })).text).toContain(
      "unassigned",
    );
    expect((await call(admin, "complete_task", { task_id: id })).text).toMatch(
      new RegExp(`^Completed #${id} \\[completed\\]`),
    );
    expect((await call(admin, "get_stats")).text).toMatch(/^Tasks: \d+ total, \d+ open/);
    expect(await call(admin, "delete_task", { task_id: id })).toEqual({
      isError: false,
      text: `Deleted task #${id}.`,
    });
  });

  it("a worker reads open unassigned work with get_task before it claims it", async () => {
    const created = await call(admin, "create_task", {
      content: `Renew the wildcard certificate (${transport})`,
      labels: [`open-work-${transport.length}`],
    });
    const id = Number(/#(\d+)/.exec(created.text)![1]);
    const detail = await call(worker, "get_task", { task_id: id });
    expect(detail.isError).toBe(false);
    expect(detail.text).toContain(`#${id} [open] Renew the wildcard certificate`);
    const listed = await call(worker, "list_tasks", { label: `open-work-${transport.length}` });
    expect(listed.text).toContain(`#${id} [open]`);
    await call(admin, "delete_task", { task_id: id });
  });

  it("lists projects and agents, registers and deletes an agent", async () => {
    expect((await call(worker, "list_projects")).text).toBe("No projects yet.");
    expect((await call(worker, "list_agents")).text).toContain("builder (worker)");
    const name = transport.startsWith("stdio") ? "helper-stdio" : "helper-http";
    const registered = await call(admin, "register_agent", { name, display_name: "Helper" });
    expect(registered.text).toMatch(
      new RegExp(`^Registered ${name} \\(worker\\) "Helper"\\. API key \\(shown once\\): bat_`),
    );
    expect((await call(admin, "delete_agent", { agent_id: name })).text).toBe(
      `Deactivated agent ${name}.`,
    );
  });

  it("claims, heartbeats, reports state and releases with a hand-off (the claim tools)", async () => {
    const created = await call(worker, "create_task", {
      // Different work per transport (the same text twice would be refused as a duplicate).
      content: transport.startsWith("stdio") ? "Rotate the API keys" : "Renew partner certificates",
      labels: [`claim-${transport.length}`],
    });
    const id = Number(/#(\d+)/.exec(created.text)![1]);
    const claimed = await call(worker, "claim_task", { labels: [`claim-${transport.length}`] });
    expect(claimed.text).toMatch(
      new RegExp(`^Claimed #${id} \\[in_progress\\] .*\\nLease until \\S+; claim token 1\\.$`),
    );
    const beat = await call(worker, "heartbeat_task", { task_id: String(id), lease_seconds: 600 });
    expect(beat.text).toMatch(new RegExp(`^#${id}: claimed by builder until \\S+ \\(working\\)$`));
    const waiting = await call(worker, "set_task_state", {
      task_id: id,
      state: "waiting_input",
      detail: "which env?",
    });
    expect(waiting.text).toContain("(waiting_input)");
    const released = await call(worker, "release_task", {
      task_id: id,
      handoff: "keys 1-3 rotated",
    });
    expect(released.text).toMatch(new RegExp(`^Released #${id} \\[open\\]`));
    const again = await call(admin, "claim_task", { task_id: id });
    expect(again.text).toContain("Hand-off from builder: keys 1-3 rotated");
    const none = await call(worker, "claim_task", { labels: ["no-such-work"] });
    expect(none.text).toBe("Nothing is ready to claim right now.");
  });

  it("links work to a task and triages the fleet (link_task, list_task_links, fleet_attention)", async () => {
    const stdio = transport.startsWith("stdio");
    const created = await call(worker, "create_task", {
      content: stdio ? "Upgrade the CI runners" : "Tune the database connection pool",
    });
    const id = Number(/#(\d+)/.exec(created.text)![1]);
    expect((await call(worker, "list_task_links", { task_id: id })).text).toBe(
      `Task #${id} has no links.`,
    );
    const linked = await call(worker, "link_task", {
      task_id: String(id),
      kind: "pr",
      repo: "acme/ci",
      ref: "7",
    });
    expect(linked).toEqual({ isError: false, text: `Linked #${id}: pr acme/ci#7` });
    await call(worker, "link_task", {
      task_id: id,
      kind: "url",
      ref: "https://ci.example.com/r/1",
    });
    expect((await call(worker, "list_task_links", { task_id: id })).text).toBe(
      `Links of #${id}:\n- pr acme/ci#7\n- url https://ci.example.com/r/1`,
    );
    expect((await call(worker, "get_task", { task_id: id })).text).toContain(
      "Links: pr acme/ci#7; url https://ci.example.com/r/1",
    );
    const bad = await call(worker, "link_task", { task_id: id, kind: "url", ref: "the dashboard" });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/^Error \(422\): .*ref: must be an http\(s\) URL.*Fix the arguments/);

    await call(worker, "claim_task", { task_id: id });
    await call(worker, "set_task_state", {
      task_id: id,
      state: "errored",
      detail: "runner image missing",
    });
    const triage = await call(worker, "fleet_attention");
    expect(triage.text).toMatch(/^Fleet attention: \d+ task\(s\) need a look\./);
    expect(triage.text).toContain(`\nErrored (`);
    expect(triage.text).toContain(`- #${id} ${stdio ? "Upgrade the CI runners" : "Tune"}`);
    expect(triage.text).toContain("(builder): runner image missing http");
    await call(worker, "release_task", { task_id: id });
  });

  it("makes one task wait for another, and shows it in get_task", async () => {
    const [first, second] = transport.startsWith("stdio")
      ? ["Order the new rack servers", "Install the rack servers"]
      : ["Sign the data processing agreement", "Send customer data to the processor"];
    const ids = [];
    for (const content of [first, second])
      ids.push(Number(/#(\d+)/.exec((await call(worker, "create_task", { content })).text)![1]));
    const [blocker, waiting] = ids as [number, number];
    const added = await call(worker, "add_task_dependency", {
      task_id: String(waiting),
      blocked_by: `#${blocker}`,
    });
    expect(added.text).toBe(
      `#${waiting} now waits for #${blocker}; it is ready once they are completed.`,
    );
    expect((await call(worker, "get_task", { task_id: waiting })).text).toContain(
      `Waits for: #${blocker}`,
    );
    expect((await call(worker, "get_task", { task_id: blocker })).text).toContain(
      `Blocking: #${waiting}`,
    );
    const circle = await call(worker, "add_task_dependency", {
      task_id: blocker,
      blocked_by: waiting,
    });
    expect(circle.isError).toBe(true);
    expect(circle.text).toMatch(/^Error \(422\): /);
    expect(
      (await call(worker, "remove_task_dependency", { task_id: waiting, blocked_by: blocker }))
        .text,
    ).toBe(`#${waiting} waits for nothing now.`);
  });

  it("answers failures with isError and one line saying what to do", async () => {
    const missing = await call(worker, "get_task", { task_id: 99999 });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/^Error \(404\): .*check the id with list_tasks/);
    expect(missing.text.split("\n")).toHaveLength(1);
    const denied = await call(worker, "register_agent", { name: "nope" });
    expect(denied.isError).toBe(true);
    expect(denied.text).toMatch(/^Error \(403\): .*role does not allow/);
    const invalid = await call(worker, "create_task", { content: "   " });
    expect(invalid.isError).toBe(true);
    expect(invalid.text).toMatch(/Fix the arguments/);
    for (const text of [missing.text, denied.text, invalid.text]) {
      expect(text).not.toContain(workerKey);
    }
  });

  it("delegates, reads a chain, finds duplicates and manages webhooks", async () => {
    // Each transport runs this once, with its own texts (the same texts would be duplicates).
    const [title, part] = transport.startsWith("stdio")
      ? ["Prepare the release notes for v3", "List the breaking changes"]
      : ["Migrate billing to the new invoicing provider", "Export last year's invoices"];
    const root = await call(worker, "create_task", { content: title });
    const rootId = Number(/#(\d+)/.exec(root.text)![1]);
    const delegated = await call(worker, "delegate_task", {
      task_id: String(rootId),
      content: part,
      assigned_to_agent_id: "admin",
    });
    expect(delegated.isError, delegated.text).toBeFalsy();
    expect(delegated.text).toMatch(/#\d+/);
    const chain = await call(worker, "get_task_chain", { task_id: rootId });
    expect(chain.text).toContain(title);
    expect(chain.text).toContain(part);
    const history = await call(worker, "get_task_history", { task_id: rootId });
    expect(history.text).toMatch(new RegExp(`^History of #${rootId} `));
    expect(history.text).toMatch(/agent builder created\n/);
    const dup = await call(worker, "find_duplicate_tasks", { content: title.replace("the ", "") });
    expect(dup.text).toContain(`#${rootId}`);
    const refused = await call(worker, "create_task", { content: title.replace("the ", "") });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain(`#${rootId}`);
    const hook = await call(admin, "create_webhook", {
      url: "http://127.0.0.1:9/hook",
      events: ["task.completed"],
    });
    expect(hook.isError, hook.text).toBeFalsy();
    expect(hook.text).toMatch(/whsec_/);
    const hookId = Number(/webhook #?(\d+)/i.exec(hook.text)![1]);
    expect((await call(admin, "list_webhooks")).text).toContain("127.0.0.1:9/hook");
    expect((await call(admin, "delete_webhook", { webhook_id: hookId })).isError).toBeFalsy();
  });
});

describe("the /mcp endpoint", () => {
  it("requires an agent key", async () => {
    const res = await fetch(`${stack.baton.url}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "unauthorized" });
    const wrong = await fetch(`${stack.baton.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-agent-key": "bat_wrong" },
      body: "{}",
    });
    expect(wrong.status).toBe(401);
  });
});
