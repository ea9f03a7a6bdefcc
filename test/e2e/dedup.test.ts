import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writesSince } from "../support/assertions.js";
import { githubExample, sendWebhook } from "../support/inbound-webhooks.js";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack;
let monitor: string;
let other: string;
let admin: string;

beforeAll(async () => {
  stack = await startStack();
  [monitor, other, admin] = await Promise.all([
    stack.createAgent("monitor"),
    stack.createAgent("other"),
    stack.createAgent("admin", "admin"),
  ]);
});
afterAll(async () => {
  await stack?.stop();
});

const create = (key: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  stack.api(key, "POST", "/v1/tasks", body, headers);

describe("dedup before create", () => {
  it("answers 409 duplicate_task with the matches and creates nothing", async () => {
    const first = await create(monitor, {
      content: "Check disk usage on web-1",
      description: "Disk is above 90% on /var",
    });
    expect(first.status).toBe(201);
    const before = stack.double.state.issues.size;
    const again = await create(monitor, {
      content: "check disk usage on web-1 host",
      description: "/var disk usage is above 90%",
    });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: "duplicate_task", status: 409 });
    expect(again.json.matches[0]).toMatchObject({
      task_id: first.json.id,
      url: first.json.url,
      content: "Check disk usage on web-1",
    });
    expect(again.json.matches[0].score).toBeGreaterThan(0);
    expect(again.json.matches.length).toBeLessThanOrEqual(5);
    // Delega's clients cannot send allow_duplicate: the message names the task to work on.
    expect(again.json.error ?? again.json.message).toContain(
      `Task #${first.json.id} is the same work`,
    );
    expect(stack.double.state.issues.size).toBe(before);
  });

  it("a possible duplicate is created: the answer and the issue name the similar task", async () => {
    const first = await create(monitor, {
      content: "Rotate the TLS certificates of the public gateway",
    });
    expect(first.status).toBe(201);
    expect(first.json.possible_duplicates).toEqual([]);
    // The dedup call first: not refused (has_duplicates false), but named.
    const check = await stack.api(monitor, "POST", "/v1/tasks/dedup", {
      content: "Rotate TLS certs on the public gateway, they expire soon",
    });
    expect(check.json.has_duplicates).toBe(false);
    expect(check.json.possible_duplicates.map((m: { task_id: number }) => m.task_id)).toContain(
      first.json.id,
    );
    // Its `threshold` still sets the blocking level, as Delega's clients expect.
    const strict = await stack.api(monitor, "POST", "/v1/tasks/dedup", {
      content: "Rotate TLS certs on the public gateway, they expire soon",
      threshold: 0.3,
    });
    expect(strict.json.has_duplicates).toBe(true);
    expect(strict.json.matches[0].task_id).toBe(first.json.id);
    const similar = await create(monitor, {
      content: "Rotate TLS certs on the public gateway, they expire soon",
    });
    expect(similar.status).toBe(201);
    expect(similar.json.possible_duplicates).toEqual([
      {
        task_id: first.json.id,
        url: first.json.url,
        content: "Rotate the TLS certificates of the public gateway",
        score: expect.any(Number),
      },
    ]);
    const body = stack.double.state.issues.get(similar.json.id)!.body;
    expect(body).toContain(`possibly the same work as #${first.json.id}`);
  });

  it("different work is not refused: another target, another action, the next period", async () => {
    const pairs = [
      ["Restart the payments service in eu-west-1", "Restart the payments service in us-east-1"],
      [
        "Review the Terraform plan for the VPC peering",
        "Apply the Terraform plan for the VPC peering",
      ],
      ["Refresh the sales forecast for March", "Refresh the sales forecast for April"],
    ];
    for (const [open, next] of pairs) {
      expect((await create(monitor, { content: open })).status).toBe(201);
      const res = await create(monitor, { content: next });
      expect({ next, status: res.status }).toEqual({ next, status: 201 });
    }
  });

  it("creates anyway with allow_duplicate or X-Dedup-Check: false", async () => {
    const body = { content: "Check disk usage on web-1" };
    expect((await create(monitor, { ...body, allow_duplicate: true })).status).toBe(201);
    expect((await create(monitor, body, { "x-dedup-check": "false" })).status).toBe(201);
  });

  it("a delegation is never refused for its own chain, but is checked against other tasks", async () => {
    const parent = await create(monitor, { content: "Fix the login page crash on Safari" });
    const delegate = (content: string, headers?: Record<string, string>) =>
      stack.api(monitor, "POST", `/v1/tasks/${parent.json.id}/delegate`, { content }, headers);
    // A sub-step resembles its parent and siblings by nature.
    expect((await delegate("Reproduce the login page crash on Safari 17")).status).toBe(201);
    expect((await delegate("Fix the login page crash on Safari")).status).toBe(201);
    expect((await delegate("Fix the login page crash on Safari")).status).toBe(201);
    // Another chain's task is compared as for any create.
    const other = await create(monitor, { content: "Quarterly infrastructure review of the CDN" });
    const child = "Rotate the TLS certificates of the marketing gateway";
    const elsewhere = await create(monitor, { content: child });
    expect(elsewhere.status).toBe(201);
    const refused = await stack.api(monitor, "POST", `/v1/tasks/${other.json.id}/delegate`, {
      content: child,
    });
    expect(refused.status).toBe(409);
    expect(refused.json.matches[0].task_id).toBe(elsewhere.json.id);
    const forced = await stack.api(
      monitor,
      "POST",
      `/v1/tasks/${other.json.id}/delegate`,
      { content: child },
      { "x-dedup-check": "false" },
    );
    expect(forced.status).toBe(201);
    // The parent's lifecycle webhooks finish before the next test counts requests.
    await stack.double.waitForWebhooksIdle();
  });

  it("POST /tasks/dedup answers the same question without creating or calling GitHub", async () => {
    const mark = stack.double.requests.length;
    const res = await stack.api(monitor, "POST", "/v1/tasks/dedup", {
      content: "Check the disk usage on web-1",
    });
    expect(res.status).toBe(200);
    expect(res.json.has_duplicates).toBe(true);
    expect(res.json.matches[0].content).toBe("Check disk usage on web-1");
    expect(stack.double.requests.length).toBe(mark);
    const none = await stack.api(monitor, "POST", "/v1/tasks/dedup", {
      content: "Order more coffee beans",
    });
    expect(none.json).toEqual({ has_duplicates: false, matches: [], possible_duplicates: [] });
  });

  it("does not flag tasks that differ only in a version, host or number", async () => {
    expect(
      (await create(monitor, { content: "Upgrade nginx to 1.25.3 on api.example.com" })).status,
    ).toBe(201);
    expect(
      (await create(monitor, { content: "Upgrade nginx to 1.25.4 on api.example.com" })).status,
    ).toBe(201);
    expect((await create(monitor, { content: "Renew TLS cert for api.example.com" })).status).toBe(
      201,
    );
    expect((await create(monitor, { content: "Renew TLS cert for db.example.com" })).status).toBe(
      201,
    );
  });

  it("does not flag short tasks that share one word", async () => {
    expect((await create(monitor, { content: "New landing page" })).status).toBe(201);
    expect((await create(monitor, { content: "Page the on-call engineer" })).status).toBe(201);
    // Issue 16's pairs: stop words leave one shared word, and the scorer alone puts them over the
    // blocking level (0.944 and 0.662 with lexical+local); neither refused nor named as possible.
    const pairs = [
      ["In project", "No project"],
      ["open task 1", "done task"],
    ];
    for (const [open, next] of pairs) {
      const first = await create(monitor, { content: open });
      expect(first.status).toBe(201);
      const res = await create(monitor, { content: next });
      expect({ next, status: res.status }).toEqual({ next, status: 201 });
      const named = res.json.possible_duplicates.map((m: { task_id: number }) => m.task_id);
      expect(named, next).not.toContain(first.json.id);
    }
  });

  it("only matches open tasks the caller may see", async () => {
    // Assigned to monitor: not other's to see, so other's own create is no duplicate of it.
    const mine = await create(monitor, {
      content: "Rotate the staging database password",
      assigned_to_agent_id: "monitor",
    });
    expect((await create(other, { content: "Rotate the staging database password" })).status).toBe(
      201,
    );
    // Open work nobody is assigned is every worker's to see: the same again names it (issue #17).
    const open = await create(monitor, { content: "Renew the VPN gateway certificate" });
    const again = await create(other, { content: "Renew the VPN gateway certificate" });
    expect(again.json).toMatchObject({ status: 409, existing_task_id: open.json.id });
    await stack.api(monitor, "POST", `/v1/tasks/${mine.json.id}/complete`);
    const afterClose = await stack.api(admin, "POST", "/v1/tasks/dedup", {
      content: "Rotate the staging database password",
    });
    expect(afterClose.json.matches.map((m: { task_id: number }) => m.task_id)).not.toContain(
      mine.json.id,
    );
  });

  it("two concurrent creates of the same text make exactly one issue", async () => {
    const body = { content: "Investigate the 502 errors from the payments gateway" };
    const [a, b] = await Promise.all([create(monitor, body), create(monitor, body)]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
  });

  it("a task a person hands to Baton on github.com is caught too (index fed by webhooks)", async () => {
    const res = await fetch(`${stack.double.url}/api/v3/repos/acme/tasks/issues`, {
      method: "POST",
      headers: { authorization: "token user:alice", "content-type": "application/json" },
      body: JSON.stringify({
        title: "Migrate the build cache to the new bucket",
        labels: ["baton:task"],
      }),
    });
    expect(res.status).toBe(201);
    await stack.double.waitForWebhooksIdle();
    const dup = await create(admin, { content: "Migrate build cache to the new bucket" });
    expect(dup.status).toBe(409);
  });

  it("survives a restart: the index is rebuilt from the store and the repository", async () => {
    expect(
      (await create(monitor, { content: "Archive the 2025 audit logs to cold storage" })).status,
    ).toBe(201);
    await stack.restart();
    const mark = stack.double.requests.length;
    const dup = await create(monitor, { content: "Archive 2025 audit logs to cold storage" });
    expect(dup.status).toBe(409);
    expect(writesSince(stack.double, mark).map((r) => r.route)).toEqual([]);
  });

  it("ignores webhooks from other repositories the App is installed on", async () => {
    const payload = githubExample("issues", "opened") as {
      issue: { title: string; body: string | null };
      repository: { full_name: string };
    };
    payload.issue.title = "Renew the wildcard certificate for the marketing site";
    expect(payload.repository.full_name).not.toBe("acme/tasks");
    expect(await sendWebhook(stack.baton.url, stack.env.WEBHOOK_SECRET!, "issues", payload)).toBe(
      200,
    );
    const res = await stack.api(admin, "POST", "/v1/tasks/dedup", {
      content: "Renew the wildcard certificate for the marketing site",
    });
    expect(res.json).toEqual({ has_duplicates: false, matches: [], possible_duplicates: [] });
  });
});
