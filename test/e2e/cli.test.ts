import { statSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baton, isolatedHome } from "../support/cli-runner.js";
import { freePort, startStack, type Stack } from "../support/stack.js";

let stack: Stack;
let adminKey: string;
let workerKey: string;
let worker: Record<string, string>;
let admin: Record<string, string>;
const seen: string[] = [];

/** Runs the CLI and remembers everything it printed, to check keys never leak. */
const run = async (args: string[], env: Record<string, string>) => {
  const result = await baton(args, env);
  seen.push(result.stdout, result.stderr);
  return result;
};

beforeAll(async () => {
  stack = await startStack();
  [adminKey, workerKey] = await Promise.all([
    stack.createAgent("admin", "admin"),
    stack.createAgent("builder"),
  ]);
  worker = { ...isolatedHome(), BATON_URL: stack.baton.url, BATON_AGENT_KEY: workerKey };
  admin = { ...isolatedHome(), BATON_URL: stack.baton.url, BATON_AGENT_KEY: adminKey };
});
afterAll(async () => {
  await stack?.stop();
});

describe("baton login", () => {
  it("checks the key, saves URL and key in a 0600 file, and later commands use it", async () => {
    const home = isolatedHome();
    const login = await run(["login", "--url", stack.baton.url, "--json"], {
      ...home,
      BATON_AGENT_KEY: workerKey,
    });
    expect(login.code).toBe(0);
    expect(login.json).toMatchObject({ url: `${stack.baton.url}/api`, agent: { id: "builder" } });
    const path = join(home.XDG_CONFIG_HOME!, "baton", "config.json");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({
      url: `${stack.baton.url}/api`,
      agent_key: workerKey,
    });

    const whoami = await run(["whoami", "--json"], home);
    expect(whoami.code).toBe(0);
    expect(whoami.json).toMatchObject({ id: "builder", role: "worker" });
  });

  it("refuses a wrong key and saves nothing", async () => {
    const home = isolatedHome();
    const login = await run(["login", "--url", stack.baton.url], {
      ...home,
      BATON_AGENT_KEY: "bat_not_a_real_key",
    });
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/Invalid, rotated or revoked agent key/);
    expect(login.stderr).not.toContain("bat_not_a_real_key");
    const whoami = await run(["whoami"], home);
    expect(whoami.code).toBe(2);
    expect(whoami.stderr).toMatch(/baton login/);
  });
});

describe("baton tasks", () => {
  it("creates, lists, shows, updates, comments, completes, reopens and deletes", async () => {
    const created = await run(
      [
        "tasks",
        "create",
        "Deploy staging build",
        "--priority",
        "2",
        "--labels",
        "deploy,ci",
        "--json",
      ],
      worker,
    );
    expect(created.code).toBe(0);
    const task = created.json;
    expect(task).toMatchObject({
      content: "Deploy staging build",
      priority: 2,
      labels: ["deploy", "ci"],
    });
    const id = String(task.id);

    const human = await run(["tasks", "list"], worker);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ID\s+PRI\s+STATUS/);
    expect(human.stdout).toContain("Deploy staging build");

    const listed = await run(["tasks", "list", "--limit", "5", "--json"], worker);
    expect(listed.json.map((t: { id: number }) => t.id)).toContain(task.id);

    const updated = await run(
      ["tasks", "update", id, "--description", "Build 42", "--status", "in_progress", "--json"],
      worker,
    );
    expect(updated.json).toMatchObject({ description: "Build 42", status: "in_progress" });

    const comment = await run(["tasks", "comment", id, "Deploying now", "--json"], worker);
    expect(comment.json).toMatchObject({ content: "Deploying now", author: "builder" });

    const context = await run(
      ["tasks", "set-context", id, "--kv", "build=42", "--kv", "env=staging", "--json"],
      worker,
    );
    expect(context.json.context).toEqual({ build: 42, env: "staging" });

    const shown = await run(["tasks", "show", id], worker);
    expect(shown.stdout).toContain("Build 42");
    expect(shown.stdout).toMatch(/url:\s+http/);

    expect((await run(["tasks", "complete", id, "--json"], worker)).json.completed).toBe(true);
    expect((await run(["tasks", "reopen", id, "--json"], worker)).json.completed).toBe(false);
    const deleted = await run(["tasks", "delete", id, "--json"], worker);
    expect(deleted.code).toBe(0);
    expect(deleted.json).toEqual({ ok: true });
  });

  it("shows who changed a task: tasks history", async () => {
    const created = await run(["tasks", "create", "Rotate the signing key", "--json"], worker);
    const id = String(created.json.id);
    await run(["tasks", "set-context", id, "--kv", "step=1", "--json"], worker);
    await run(["tasks", "complete", id, "--json"], worker);
    await stack.double.waitForWebhooksIdle();
    const history = await run(["tasks", "history", id, "--json"], worker);
    expect(history.json.map((e: { action: string }) => e.action)).toEqual([
      "created",
      "labeled",
      "edited",
      "closed",
    ]);
    expect(new Set(history.json.map((e: { actor: unknown }) => JSON.stringify(e.actor)))).toEqual(
      new Set([JSON.stringify({ type: "agent", id: "builder" })]),
    );
    const table = await run(["tasks", "history", id], worker);
    expect(table.stdout).toMatch(/^AT\s+WHO\s+ACTION\s+DETAIL/);
    expect(table.stdout).toMatch(/agent builder\s+closed\s+state_reason=completed/);
  });

  it("exits 1 with the server's message for an unknown task", async () => {
    const result = await run(["tasks", "show", "99999", "--json"], worker);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toMatchObject({ status: 404 });
  });
});

describe("exit codes and errors", () => {
  it("exits 2 on usage errors", async () => {
    expect((await run(["tasks", "create"], worker)).code).toBe(2);
    expect((await run(["tasks", "create", "x", "--priority", "9"], worker)).code).toBe(2);
    expect((await run(["tasks", "show", "abc"], worker)).code).toBe(2);
    // An update never had a context field: the flag is refused, not silently dropped.
    expect((await run(["tasks", "update", "1", "--context", '{"a":1}'], worker)).code).toBe(2);
    expect((await run(["no-such-command"], worker)).code).toBe(2);
    const plain = await run(["stats"], { ...worker, BATON_URL: "http://baton.example.com" });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/--insecure/);
  });

  it("exits 1 on a wrong key, without printing the key", async () => {
    const result = await run(["tasks", "list", "--json"], {
      ...worker,
      BATON_AGENT_KEY: "bat_wrong_key_123",
    });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toMatchObject({ status: 401, code: "unauthorized" });
    const human = await run(["tasks", "list"], { ...worker, BATON_AGENT_KEY: "bat_wrong_key_123" });
    expect(human.stderr).toMatch(/Check the agent key/);
    expect(result.stderr + human.stderr + result.stdout).not.toContain("bat_wrong_key_123");
  });

  it("exits 1 when the server is unreachable", async () => {
    const port = await freePort();
    const result = await run(["stats"], { ...worker, BATON_URL: `http://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:\d+/);
    expect(result.stderr).not.toContain(workerKey);
  });

  it("reads Delega's environment variables", async () => {
    const result = await run(["whoami", "--json"], {
      ...isolatedHome(),
      DELEGA_API_URL: stack.baton.url,
      DELEGA_AGENT_KEY: workerKey,
    });
    expect(result.code).toBe(0);
    expect(result.json.id).toBe("builder");
  });
});

describe("409 answers", () => {
  it("shows a duplicate's matches and how to create anyway", async () => {
    const first = await run(
      ["tasks", "create", "Deploy the staging build to eu-west", "--json"],
      worker,
    );
    expect(first.code).toBe(0);
    const original = JSON.parse(first.stdout) as { id: number; url: string };
    const result = await run(["tasks", "create", "Deploy staging build to eu-west"], worker);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`#${original.id} Deploy the staging build to eu-west`);
    expect(result.stderr).toContain(original.url);
    expect(result.stderr).toContain("--allow-duplicate");
    const json = await run(
      ["tasks", "create", "Deploy staging build to eu-west", "--json"],
      worker,
    );
    expect(JSON.parse(json.stderr)).toMatchObject({
      code: "duplicate_task",
      matches: [{ task_id: original.id }],
    });
    const anyway = await run(
      ["tasks", "create", "Deploy staging build to eu-west", "--allow-duplicate", "--json"],
      worker,
    );
    expect(anyway.code).toBe(0);
  });

  it("exits 1 on an agent that already exists", async () => {
    const result = await run(["agents", "create", "builder", "--json"], admin);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toMatchObject({ status: 409, code: "agent_exists" });
  });
});

describe("agents, projects and stats over the API", () => {
  it("creates an agent (key shown once), rotates its key and deletes it", async () => {
    const created = await run(
      ["agents", "create", "reviewer", "--role", "coordinator", "--json"],
      admin,
    );
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({
      id: "reviewer",
      role: "coordinator",
      api_key: expect.stringMatching(/^bat_/),
    });
    const human = await run(["agents", "rotate-key", "reviewer"], admin);
    expect(human.stdout).toMatch(/API key \(shown once, store it now\): bat_/);
    const list = await run(["agents", "list", "--json"], admin);
    expect(list.json.map((a: { id: string }) => a.id)).toContain("reviewer");
    expect(JSON.stringify(list.json)).not.toContain("api_key");
    expect((await run(["agents", "delete", "reviewer", "--json"], admin)).json).toMatchObject({
      ok: true,
    });
    const forbidden = await run(["agents", "create", "sneaky"], worker);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/role does not allow/);
  });

  it("still creates agents on the server's machine with --db", async () => {
    const result = await run(["agents", "create", "local-one", "--db", stack.dbPath, "--json"], {
      ...isolatedHome(),
    });
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ id: "local-one", role: "worker" });
  });

  it("restricts an agent to projects with --projects, over the API and with --db", async () => {
    const project = await stack.api(adminKey, "POST", "/v1/projects", { name: "Payments" });
    const id = project.json.id as number;
    const made = await run(
      ["agents", "create", "payer", "--projects", "payments", "--json"],
      admin,
    );
    expect(made.json).toMatchObject({ id: "payer", project_ids: [id] });
    const lifted = await run(["agents", "update", "payer", "--projects", "all"], admin);
    expect(lifted.stdout.trim()).toBe('Agent "payer" (worker), projects: all.');
    expect((await run(["agents", "list"], admin)).stdout).toMatch(/PROJECTS/);
    // On the server's machine, by id (slugs need the server).
    const local = isolatedHome();
    const byId = await run(
      ["agents", "update", "payer", "--projects", String(id), "--db", stack.dbPath, "--json"],
      local,
    );
    expect(byId.json.project_ids).toEqual([id]);
    const bySlug = await run(
      ["agents", "update", "payer", "--projects", "payments", "--db", stack.dbPath],
      local,
    );
    expect(bySlug.code).toBe(2);
    const byWorker = await run(["agents", "update", "payer", "--projects", "all"], worker);
    expect(byWorker.code).toBe(1);
    expect((await stack.api(adminKey, "GET", "/v1/agents/payer")).json.project_ids).toEqual([id]);
  });

  it("manages projects and prints stats and status", async () => {
    const created = await run(["projects", "create", "Website", "--emoji", "🌐", "--json"], admin);
    expect(created.json).toMatchObject({ name: "Website", slug: "website", emoji: "🌐" });
    const list = await run(["projects", "list"], admin);
    expect(list.stdout).toContain("🌐 Website");
    // A project by its number, as text: the server resolves ids and slugs alike.
    const filed = await run(
      [
        "tasks",
        "create",
        "Fix the footer",
        "--project",
        String(created.json.id),
        "--context",
        '{"page":"home"}',
        "--json",
      ],
      worker,
    );
    expect(filed.json).toMatchObject({
      project: { id: created.json.id, slug: "website" },
      context: { page: "home" },
    });
    const shown = await run(["projects", "show", String(created.json.id), "--json"], admin);
    expect(shown.json).toMatchObject({ slug: "website" });
    const stats = await run(["stats", "--json"], worker);
    expect(stats.json).toHaveProperty("open_tasks");
    const status = await run(["status"], worker);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/agent:\s+builder \(worker\)/);
  });
});

afterAll(() => {
  // Only `agents create`/`rotate-key` print a key, and never an existing one.
  const all = seen.join("\n");
  expect(all).not.toContain(adminKey);
  expect(all).not.toContain(workerKey);
});

describe("baton tasks claim, heartbeat, release, ready", () => {
  let urgent: number;
  let token: string;
  // Many CLI processes in one test: a budget for a loaded machine, not a speed check.
  const BUDGET_MS = 240_000;

  it(
    "lists ready work best first and claims it from the queue or by id",
    async () => {
      const make = async (content: string, priority: string) =>
        (
          await run(
            [
              "tasks",
              "create",
              content,
              "--priority",
              priority,
              "--labels",
              "cli-claims",
              "--json",
            ],
            admin,
          )
        ).json.id as number;
      const low = await make("Prune old container images", "1");
      urgent = await make("Rotate the expiring TLS certificate", "4");

      // Unassigned work is any worker's: the worker sees both, the urgent one first.
      const ready = await run(["tasks", "ready", "--label", "cli-claims", "--json"], worker);
      expect(ready.code).toBe(0);
      expect(ready.json.map((t: { id: number }) => t.id)).toEqual([urgent, low]);

      // Without an id, the best ready task is claimed.
      const next = await run(
        ["tasks", "claim", "--labels", "cli-claims", "--lease", "120", "--json"],
        worker,
      );
      expect(next.code).toBe(0);
      expect(next.json.task).toMatchObject({ id: urgent, claimed_by_agent_id: "builder" });
      token = String(next.json.claim_token);

      // By id, in words.
      const byId = await run(["tasks", "claim", String(low)], worker);
      expect(byId.code).toBe(0);
      expect(byId.stdout).toContain(`Claimed #${low}: Prune old container images`);
      expect(byId.stdout).toMatch(/claim token \d+/);

      const none = await run(["tasks", "claim", "--labels", "cli-claims", "--json"], worker);
      expect(none.json).toEqual({ task: null, claim_token: null });
      expect((await run(["tasks", "ready", "--label", "cli-claims"], worker)).stdout).toContain(
        "No ready task.",
      );

      // A live claim is exclusive, even for an admin.
      const taken = await run(["tasks", "claim", String(urgent)], admin);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(/claimed by agent "builder"/);
    },
    BUDGET_MS,
  );

  it(
    "reports state under the claim token, refuses a stale one, and hands off",
    async () => {
      const beat = await run(
        [
          "tasks",
          "heartbeat",
          String(urgent),
          "--state",
          "waiting_input",
          "--detail",
          "Need the DNS zone's owner",
          "--token",
          token,
          "--json",
        ],
        worker,
      );
      expect(beat.code).toBe(0);
      expect(beat.json).toMatchObject({
        session_state: "waiting_input",
        session_state_detail: "Need the DNS zone's owner",
      });

      const stale = await run(
        ["tasks", "heartbeat", String(urgent), "--token", String(Number(token) + 100)],
        worker,
      );
      expect(stale.code).toBe(1);
      expect(stale.stderr).toMatch(/stale/);

      const released = await run(
        ["tasks", "release", String(urgent), "--handoff", "CSR is in the vault", "--token", token],
        worker,
      );
      expect(released.code).toBe(0);
      expect(released.stdout).toContain(`Released #${urgent}`);

      // The next holder reads the hand-off.
      const again = await run(["tasks", "claim", "--labels", "cli-claims"], admin);
      expect(again.stdout).toContain(`Claimed #${urgent}`);
      expect(again.stdout).toContain("Handed over: CSR is in the vault");
      const shown = await run(["tasks", "show", String(urgent)], admin);
      expect(shown.stdout).toMatch(/claimed by:\s+admin/);
    },
    BUDGET_MS,
  );

  it("exits 2 on a claim command called wrongly", async () => {
    expect((await run(["tasks", "claim", "1", "--labels", "x"], worker)).code).toBe(2);
    expect((await run(["tasks", "heartbeat", "1", "--state", "asleep"], worker)).code).toBe(2);
    expect((await run(["tasks", "release"], worker)).code).toBe(2);
  });
});

describe("baton tasks link, links; baton fleet attention", () => {
  it("links work to a task, lists it, and triages the fleet", async () => {
    const created = await run(["tasks", "create", "Upgrade the build cache", "--json"], worker);
    const id = created.json.id as number;
    const linked = await run(
      ["tasks", "link", String(id), "pr", "31", "--repo", "acme/build"],
      worker,
    );
    expect(linked.code).toBe(0);
    expect(linked.stdout.trim()).toBe(`Linked #${id}: pr acme/build#31`);
    const listed = await run(["tasks", "links", String(id), "--json"], worker);
    expect(listed.json).toMatchObject([
      { kind: "pr", repo: "acme/build", ref: "31", created_by_agent_id: "builder" },
    ]);
    const shown = await run(["tasks", "show", String(id)], worker);
    expect(shown.stdout).toMatch(/links:\s+pr acme\/build#31/);
    // A kind commander does not know is a usage error; a bad URL is the server's 422.
    expect((await run(["tasks", "link", String(id), "ticket", "1"], worker)).code).toBe(2);
    const badUrl = await run(
      ["tasks", "link", String(id), "url", "dashboard", "--link-url", "ftp://x"],
      worker,
    );
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toContain("url: must be an http(s) URL");

    await run(["tasks", "claim", String(id), "--json"], worker);
    await run(
      ["tasks", "heartbeat", String(id), "--state", "errored", "--detail", "disk full"],
      worker,
    );
    const attention = await run(["fleet", "attention"], admin);
    expect(attention.code).toBe(0);
    expect(attention.stdout).toMatch(/^\d+ task\(s\) need a look\./);
    expect(attention.stdout).toMatch(
      new RegExp(
        `Errored: \\d+\\n[^]*\\n${id}\\s+builder\\s+-\\s+disk full\\s+Upgrade the build cache`,
      ),
    );
    const json = await run(["fleet", "attention", "--json", "--limit", "5"], admin);
    expect(json.json.buckets.errored.map((t: { id: number }) => t.id)).toContain(id);
  }, 240_000);
});
