import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writesSince } from "../support/assertions.js";
import { startEventReceiver, type EventReceiver } from "../support/event-receiver.js";
import { freePort, runCli, startBaton, startStack, type Stack } from "../support/stack.js";

let stack: Stack;
let monitor: string;
let infra: string;
let dns: string;
let receiver: EventReceiver;

beforeAll(async () => {
  stack = await startStack({ env: { BATON_ALLOW_PRIVATE_WEBHOOKS: "true" } });
  [monitor, infra, dns] = await Promise.all([
    stack.createAgent("monitor"),
    stack.createAgent("infra"),
    stack.createAgent("dns"),
  ]);
  receiver = await startEventReceiver();
  const sub = await stack.api(monitor, "POST", "/v1/webhooks", {
    url: receiver.url,
    events: ["task.linked", "task.updated"],
  });
  expect(sub.status).toBe(201);
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

const newTask = async (content: string, extra: Record<string, unknown> = {}) => {
  const res = await stack.api(monitor, "POST", "/v1/tasks", { content, ...extra });
  expect(res.status).toBe(201);
  return res.json.id as number;
};
const body = (id: number) => stack.double.state.issues.get(id)!.body ?? "";
const eventsFor = (id: number) =>
  receiver.received.filter((e) => e.json.task?.id === id).map((e) => e.json);

describe("task links", () => {
  it("a link is one issue write: kept in the metadata, listed on the issue, read back", async () => {
    const id = await newTask("Renew the TLS certificate", { assigned_to_agent_id: "infra" });
    const mark = stack.double.requests.length;
    const added = await stack.api(infra, "POST", `/v1/tasks/${id}/links`, {
      kind: "pr",
      repo: "acme/api",
      ref: "#42",
      url: "https://github.com/acme/api/pull/42",
    });
    expect(added.status).toBe(201);
    expect(added.json).toEqual({
      kind: "pr",
      repo: "acme/api",
      ref: "42",
      url: "https://github.com/acme/api/pull/42",
      created_by_agent_id: "infra",
      created_at: expect.any(String),
    });
    expect(writesSince(stack.double, mark).map((r) => r.route)).toEqual([
      "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
    ]);
    // What people see on github.com: a list that references nothing (no timeline entry on the PR).
    const shown = body(id).replace(/"(nonce|at)":"[^"]+"/g, '"$1":"…"');
    expect(shown).toMatchInlineSnapshot(`
      "> Baton task · created by **monitor** · held by **infra**



      <!-- baton:links -->
      **Links**

      - pull request \`#42\` in \`acme/api\` · \`https://github.com/acme/api/pull/42\`

      <!-- baton:v1 {"created_by":"monitor","nonce":"…","description_hash":"e3b0c44298fc1c14","links":[{"kind":"pr","repo":"acme/api","ref":"42","url":"https://github.com/acme/api/pull/42","by":"infra","at":"…"}]} -->"
    `);

    // The Delega shape on /api, as the 1.18 MCP's get_task and list_task_links read it.
    const listed = await stack.api(monitor, "GET", `/api/tasks/${id}/links`);
    expect(listed.json).toEqual([added.json]);
    await stack.api(infra, "POST", `/api/tasks/${id}/links`, {
      kind: "branch",
      repo: "acme/api",
      ref: "fix/tls-renewal",
    });
    const task = await stack.api(monitor, "GET", `/v1/tasks/${id}`);
    expect(task.json.links.map((l: { kind: string; ref: string }) => `${l.kind}:${l.ref}`)).toEqual(
      ["pr:42", "branch:fix/tls-renewal"],
    );

    // The same link again changes nothing: 200 with the link already there, no write.
    const again = stack.double.requests.length;
    const repeat = await stack.api(infra, "POST", `/v1/tasks/${id}/links`, {
      kind: "pr",
      repo: "acme/api",
      ref: "42",
      url: "https://github.com/acme/api/pull/42",
    });
    expect(repeat.status).toBe(200);
    expect(repeat.json).toEqual(added.json);
    expect(writesSince(stack.double, again)).toEqual([]);
  });

  it("task.linked goes to subscribers with the link; the write is no task.updated", async () => {
    const id = await newTask("Rotate the signing keys", { assigned_to_agent_id: "infra" });
    await stack.api(infra, "POST", `/v1/tasks/${id}/links`, {
      kind: "commit",
      repo: "acme/keys",
      ref: "4f2c1ab9",
    });
    await receiver.waitFor(() => eventsFor(id).some((e) => e.event === "task.linked"));
    await stack.double.waitForWebhooksIdle();
    const linked = eventsFor(id).find((e) => e.event === "task.linked");
    expect(linked).toMatchObject({
      agent: { id: "infra" },
      link: { kind: "commit", repo: "acme/keys", ref: "4f2c1ab9", created_by_agent_id: "infra" },
      task: { id, links: [{ kind: "commit", ref: "4f2c1ab9" }] },
    });
    expect(eventsFor(id).map((e) => e.event)).toEqual(["task.linked"]);
  });

  it("bad links get 422 with a machine code and change nothing", async () => {
    const id = await newTask("Upgrade the load balancer", { assigned_to_agent_id: "infra" });
    const mark = stack.double.requests.length;
    const unknown = await stack.api(infra, "POST", `/v1/tasks/${id}/links`, {
      kind: "ticket",
      ref: "OPS-1",
    });
    expect(unknown.status).toBe(422);
    expect(unknown.json).toMatchObject({
      code: "validation_failed",
      errors: [{ field: "kind", message: "must be one of branch, commit, pr, url" }],
    });
    const badUrl = await stack.api(infra, "POST", `/v1/tasks/${id}/links`, {
      kind: "url",
      ref: "dashboard",
      url: "ftp://example.com/x",
    });
    expect(badUrl.json).toMatchObject({
      status: 422,
      code: "validation_failed",
      errors: [{ field: "url", message: "must be an http(s) URL" }],
    });
    const badRef = await stack.api(infra, "POST", `/v1/tasks/${id}/links`, {
      kind: "commit",
      ref: "main",
    });
    expect(badRef.json).toMatchObject({ status: 422, errors: [{ field: "ref" }] });
    expect(writesSince(stack.double, mark)).toEqual([]);
    expect(body(id)).not.toContain("baton:links");
  });

  it("linking is a write: others' tasks are 404, a task another agent holds is 409", async () => {
    const id = await newTask("Patch the mail relay", { assigned_to_agent_id: "infra" });
    const link = { kind: "branch", ref: "patch/relay" };
    expect((await stack.api(dns, "POST", `/v1/tasks/${id}/links`, link)).status).toBe(404);
    expect((await stack.api(dns, "GET", `/v1/tasks/${id}/links`)).status).toBe(404);

    const open = await newTask("Unassigned work for anyone");
    const claimed = await stack.api(infra, "POST", `/v1/tasks/${open}/claim`);
    expect(claimed.status).toBe(200);
    // The holder links its branch; the creator may not write while infra holds the claim.
    expect((await stack.api(infra, "POST", `/v1/tasks/${open}/links`, link)).status).toBe(201);
    const held = await stack.api(monitor, "POST", `/v1/tasks/${open}/links`, {
      kind: "branch",
      ref: "other",
    });
    expect(held.json).toMatchObject({ status: 409, code: "task_claimed" });
  });

  it("links live on GitHub: a server with an empty store reads them", async () => {
    const id = await newTask("Move the backups bucket", { assigned_to_agent_id: "infra" });
    await stack.api(infra, "POST", `/v1/tasks/${id}/links`, {
      kind: "url",
      ref: "https://runbooks.example.com/backups",
    });
    const dbPath = join(mkdtempSync(join(tmpdir(), "baton-fresh-")), "baton.db");
    // No local embedding model to load: this server only reads.
    const env = {
      ...stack.env,
      BATON_DB: dbPath,
      PORT: String(await freePort()),
      BATON_EMBEDDINGS: "lexical",
    };
    const made = await runCli(
      ["agents", "create", "reader", "--role", "coordinator", "--json", "--db", dbPath],
      env,
    );
    const key = (JSON.parse(made.stdout) as { api_key: string }).api_key;
    const fresh = await startBaton(env);
    try {
      const res = await fetch(`${fresh.url}/v1/tasks/${id}/links`, {
        headers: { "x-agent-key": key },
      });
      expect(await res.json()).toMatchObject([
        { kind: "url", ref: "https://runbooks.example.com/backups", created_by_agent_id: "infra" },
      ]);
    } finally {
      await fresh.stop();
    }
  });
});
