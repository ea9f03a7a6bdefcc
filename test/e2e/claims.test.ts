import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, labelNames, rateLimitedSince, writesSince } from "../support/assertions.js";
import { startEventReceiver, type EventReceiver } from "../support/event-receiver.js";
import { personFor } from "../support/github-double/test-client.js";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack;
let monitor: string;
let infra: string;
let infra2: string;
let lead: string;
let admin: string;
let receiver: EventReceiver;

beforeAll(async () => {
  // Short leases and a fast sweep so an expiry happens inside a test.
  stack = await startStack({
    env: {
      BATON_ALLOW_PRIVATE_WEBHOOKS: "true",
      BATON_LEASE_MIN_S: "1",
      BATON_LEASE_SWEEP_MS: "200",
    },
  });
  [monitor, infra, infra2, lead, admin] = await Promise.all([
    stack.createAgent("monitor"),
    stack.createAgent("infra"),
    stack.createAgent("infra2"),
    stack.createAgent("lead", "coordinator"),
    stack.createAgent("admin", "admin"),
  ]);
  receiver = await startEventReceiver();
  const sub = await stack.api(monitor, "POST", "/v1/webhooks", {
    url: receiver.url,
    events: ["*"],
  });
  expect(sub.status).toBe(201);
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

const newTask = async (content: string, extra: Record<string, unknown> = {}) => {
  const res = await stack.api(monitor, "POST", "/v1/tasks", {
    content,
    allow_duplicate: true,
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.json.id as number;
};
const body = (id: number) => stack.double.state.issues.get(id)!.body ?? "";
const eventsFor = (id: number) =>
  receiver.received.filter((e) => e.json.task?.id === id).map((e) => e.json);

describe("claims with leases", () => {
  it("a claim is exclusive and GitHub shows the holder after ONE write", async () => {
    const id = await newTask("Rotate the staging database password");
    const mark = stack.double.requests.length;
    const claimed = await stack.api(infra, "POST", `/v1/tasks/${id}/claim`, { lease_seconds: 60 });
    expect(claimed.status).toBe(200);
    expect(claimed.json.claim_token).toBe(1);
    expect(claimed.json.task).toMatchObject({
      id,
      status: "in_progress",
      claimed_by_agent_id: "infra",
      session_state: "working",
    });
    expect(Date.parse(claimed.json.task.lease_expires_at)).toBeGreaterThan(Date.now() + 50_000);
    expect(writesSince(stack.double, mark).map((r) => r.route)).toEqual([
      "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
    ]);
    expect(rateLimitedSince(stack.double, mark)).toHaveLength(1);
    expect(labelNames(stack.double, id)).toEqual(["priority:medium", "status:in-progress"]);
    expect(body(id)).toContain("created by **monitor** · claimed by **infra**");

    // Another worker (through the /api alias, as Delega's clients on localhost call it).
    const second = await stack.api(infra2, "POST", `/api/tasks/${id}/claim`, {});
    expect(second.status).toBe(409);
    expect(second.json).toMatchObject({
      code: "task_claimed",
      claimed_by_agent_id: "infra",
      lease_expires_at: claimed.json.task.lease_expires_at,
    });
    // The holder claiming again keeps its token.
    const again = await stack.api(infra, "POST", `/v1/tasks/${id}/claim`);
    expect(again.json.claim_token).toBe(1);

    const listed = await stack.api(lead, "GET", "/v1/tasks?claimed=true");
    expect(listed.json.map((t: { id: number }) => t.id)).toContain(id);
    const unclaimed = await stack.api(lead, "GET", "/v1/tasks?claimed=false");
    expect(unclaimed.json.map((t: { id: number }) => t.id)).not.toContain(id);
  });

  it("heartbeats never reach GitHub; a state change is one write showing status:blocked", async () => {
    const id = await newTask("Migrate the DNS zone");
    const { json: claim } = await stack.api(infra, "POST", `/v1/tasks/${id}/claim`);
    let mark = stack.double.requests.length;
    const beat = await stack.api(infra, "POST", `/v1/tasks/${id}/heartbeat`, {
      lease_seconds: 600,
    });
    expect(beat.status).toBe(200);
    expect(Date.parse(beat.json.lease_expires_at)).toBeGreaterThan(
      Date.parse(claim.task.lease_expires_at),
    );
    expect(stack.double.requests.slice(mark)).toEqual([]);

    mark = stack.double.requests.length;
    const waiting = await stack.api(infra, "POST", `/v1/tasks/${id}/state`, {
      state: "waiting_input",
      detail: "Which registrar account? @alice knows",
    });
    expect(waiting.json).toMatchObject({
      status: "blocked",
      session_state: "waiting_input",
      session_state_detail: "Which registrar account? @alice knows",
      lease_expires_at: beat.json.lease_expires_at,
    });
    expect(rateLimitedSince(stack.double, mark)).toHaveLength(1);
    expect(labelNames(stack.double, id)).toEqual(["priority:medium", "status:blocked"]);
    // The detail is agent text: shown, but it pings nobody.
    expect(body(id)).toContain(
      "claimed by **infra** · waiting for input: Which registrar account? @\u200balice knows",
    );

    mark = stack.double.requests.length;
    await stack.api(infra, "POST", `/v1/tasks/${id}/heartbeat`, { state: "working" });
    expect(rateLimitedSince(stack.double, mark)).toHaveLength(1);
    expect(labelNames(stack.double, id)).toEqual(["priority:medium", "status:in-progress"]);

    const other = await stack.api(infra2, "POST", `/v1/tasks/${id}/heartbeat`, {});
    expect(other.status).toBe(409);
    expect(other.json.code).toBe("claim_not_held");
  });

  it("errored shows as status:blocked with the detail, in one write", async () => {
    const id = await newTask("Restore the metrics database");
    await stack.api(infra, "POST", `/v1/tasks/${id}/claim`, { lease_seconds: 600 });
    const mark = stack.double.requests.length;
    const errored = await stack.api(infra, "POST", `/v1/tasks/${id}/state`, {
      state: "errored",
      detail: "pg_restore: out of disk on #12",
    });
    expect(errored.json).toMatchObject({
      status: "blocked",
      session_state: "errored",
      session_state_detail: "pg_restore: out of disk on #12",
    });
    expect(rateLimitedSince(stack.double, mark)).toHaveLength(1);
    expect(labelNames(stack.double, id)).toEqual(["priority:medium", "status:blocked"]);
    // Agent text, rendered safely: the issue reference links nothing.
    expect(body(id)).toMatch(/claimed by \*\*infra\*\* · errored: pg_restore: out of disk on \S*#/);
    expect(body(id)).not.toContain(" #12");
  });

  it("release hands off: open again, the note shown to the next holder, a new token", async () => {
    const id = await newTask("Rebuild the search index");
    await stack.api(infra, "POST", `/v1/tasks/${id}/claim`);
    const mark = stack.double.requests.length;
    const released = await stack.api(infra, "POST", `/v1/tasks/${id}/release`, {
      handoff: "Half done: shards 1-4 rebuilt",
    });
    expect(released.status).toBe(200);
    expect(released.json).toMatchObject({
      status: "open",
      claimed_by_agent_id: null,
      lease_expires_at: null,
      handoff_note: "Half done: shards 1-4 rebuilt",
      handoff_by_agent_id: "infra",
      handoff_state: "working",
    });
    expect(rateLimitedSince(stack.double, mark)).toHaveLength(1);
    expect(labelNames(stack.double, id)).toEqual(["priority:medium"]);
    expect(body(id)).not.toContain("claimed by");

    const next = await stack.api(infra2, "POST", `/v1/tasks/${id}/claim`);
    expect(next.json.claim_token).toBe(2);
    expect(next.json.task).toMatchObject({
      claimed_by_agent_id: "infra2",
      handoff_note: "Half done: shards 1-4 rebuilt",
    });
  });

  it("an expired lease releases on its own, with task.released naming the reason", async () => {
    const id = await newTask("Renew the TLS certificate");
    const claimed = await stack.api(infra, "POST", `/v1/tasks/${id}/claim`, { lease_seconds: 60 });
    expect(claimed.status).toBe(200);
    // The state and a last, 1 s lease in one heartbeat: a slow machine cannot let the lease end
    // between two calls.
    const beat = await stack.api(infra, "POST", `/v1/tasks/${id}/heartbeat`, {
      lease_seconds: 1,
      state: "errored",
      detail: "certbot crashed",
    });
    expect(beat.status).toBe(200);
    // infra crashes: no heartbeat. The lease ends and the task comes back by itself.
    const freed = await eventually(
      () => stack.api(monitor, "GET", `/v1/tasks/${id}`),
      (res) => res.json.claimed_by_agent_id === null && res.json.status === "open",
    );
    expect(freed.json).toMatchObject({
      handoff_note: "certbot crashed",
      handoff_by_agent_id: "infra",
      handoff_state: "errored",
    });
    await eventually(
      async () => labelNames(stack.double, id),
      (labels) => !labels.some((l) => l.startsWith("status:")),
    );
    await receiver.waitFor(() => eventsFor(id).some((e) => e.event === "task.released"));
    const released = eventsFor(id).find((e) => e.event === "task.released");
    expect(released).toMatchObject({
      reason: "lease_expired",
      agent: { id: "infra" },
      task: { claimed_by_agent_id: null },
    });

    // The slow agent wakes up with its old token: refused, its successor is safe.
    const token = claimed.json.claim_token as number;
    const successor = await stack.api(infra2, "POST", `/v1/tasks/${id}/claim`);
    expect(successor.status).toBe(200);
    const stale = await stack.api(infra, "POST", `/v1/tasks/${id}/heartbeat`, {
      claim_token: token,
    });
    expect(stale.status).toBe(409);
    const staleState = await stack.api(
      infra2,
      "POST",
      `/v1/tasks/${id}/state`,
      { state: "working" },
      { "x-claim-token": String(token) },
    );
    expect(staleState.json.code).toBe("stale_claim_token");
  });

  it("claim events: task.claimed, task.state_changed, task.released; no task.updated for them", async () => {
    const id = await newTask("Compact the logs bucket");
    await stack.api(infra, "POST", `/v1/tasks/${id}/claim`);
    await stack.api(infra, "POST", `/v1/tasks/${id}/state`, { state: "waiting_input" });
    await stack.api(infra, "POST", `/v1/tasks/${id}/release`);
    await receiver.waitFor(() => eventsFor(id).some((e) => e.event === "task.released"));
    await stack.double.waitForWebhooksIdle();
    // The claim writes' own webhooks are in the outbox by now; give the relay a beat to finish.
    await new Promise((r) => setTimeout(r, 300));
    expect(eventsFor(id).map((e) => e.event)).toEqual([
      "task.created",
      "task.claimed",
      "task.state_changed",
      "task.released",
    ]);
    const changed = eventsFor(id).find((e) => e.event === "task.state_changed");
    expect(changed.changes.session_state).toEqual({ from: "working", to: "waiting_input" });
  });

  it("a live claim is exclusive: others' writes get 409 naming the holder; an admin may override", async () => {
    const id = await newTask("Patch the kernel on web-1");
    const { json: claim } = await stack.api(infra, "POST", `/v1/tasks/${id}/claim`);
    const mark = stack.double.requests.length;
    const attempts = [
      ["POST", `/v1/tasks/${id}/complete`, undefined],
      ["PUT", `/v1/tasks/${id}`, { priority: 4 }],
      ["POST", `/v1/tasks/${id}/delegate`, { content: "Reboot web-1" }],
    ] as const;
    for (const [method, path, payload] of attempts) {
      const res = await stack.api(monitor, method, path, payload);
      expect(res.status, `${method} ${path}`).toBe(409);
      expect(res.json).toMatchObject({
        code: "task_claimed",
        claimed_by_agent_id: "infra",
        lease_expires_at: claim.task.lease_expires_at,
      });
    }
    expect(writesSince(stack.double, mark)).toEqual([]);

    // The holder writes, with or without its token.
    const edited = await stack.api(
      infra,
      "PUT",
      `/v1/tasks/${id}`,
      { priority: 3 },
      { "x-claim-token": String(claim.claim_token) },
    );
    expect(edited.json).toMatchObject({ priority: 3, claimed_by_agent_id: "infra" });
    const wrongToken = await stack.api(
      infra,
      "PUT",
      `/v1/tasks/${id}`,
      { priority: 2 },
      { "x-claim-token": String(claim.claim_token + 5) },
    );
    expect(wrongToken.json.code).toBe("stale_claim_token");

    // An admin overrides; the override is recorded.
    const forced = await stack.api(admin, "PUT", `/v1/tasks/${id}`, { priority: 4 });
    expect(forced.status).toBe(200);
    const db = new Database(stack.dbPath, { readonly: true });
    expect(
      db
        .prepare("SELECT agent_id, holder_agent_id, action FROM claim_overrides WHERE task_id = ?")
        .all(id),
    ).toEqual([{ agent_id: "admin", holder_agent_id: "infra", action: "write" }]);
    db.close();

    // Completing releases the claim, in the completing write itself.
    const completeMark = stack.double.requests.length;
    const done = await stack.api(infra, "POST", `/v1/tasks/${id}/complete`);
    expect(done.json).toMatchObject({ completed: true, claimed_by_agent_id: null });
    expect(rateLimitedSince(stack.double, completeMark)).toHaveLength(1);
    expect(body(id)).not.toContain("claimed by");
    await receiver.waitFor(() =>
      eventsFor(id).some((e) => e.event === "task.released" && e.reason === "completed"),
    );
  });

  it("deleting a claimed task releases the claim with task.released (deleted)", async () => {
    const id = await newTask("Drain the old build queue");
    expect((await stack.api(infra, "POST", `/v1/tasks/${id}/claim`)).status).toBe(200);
    // The holder deletes it (nobody else may while the claim lives): the claim ends with it.
    expect((await stack.api(infra, "DELETE", `/v1/tasks/${id}`)).status).toBe(200);
    await receiver.waitFor(() => eventsFor(id).some((e) => e.event === "task.released"));
    expect(eventsFor(id).find((e) => e.event === "task.released")).toMatchObject({
      reason: "deleted",
      agent: { id: "infra" },
      task: { id, claimed_by_agent_id: null },
    });
  });

  it("a coordinator overrides a claim for a write and for a release; both are recorded", async () => {
    // lead created the task, so its role lets it change it; infra holds it.
    const created = await stack.api(lead, "POST", "/v1/tasks", {
      content: "Rotate the Grafana admin password",
      allow_duplicate: true,
    });
    const id = created.json.id as number;
    await stack.api(infra, "POST", `/v1/tasks/${id}/claim`, { lease_seconds: 600 });

    const forced = await stack.api(lead, "PUT", `/v1/tasks/${id}`, { priority: 4 });
    expect(forced.status).toBe(200);
    expect(forced.json).toMatchObject({ priority: 4, claimed_by_agent_id: "infra" });
    // Another worker may not release it; the coordinator may, with a note for the next holder.
    const byWorker = await stack.api(infra2, "POST", `/v1/tasks/${id}/release`);
    expect(byWorker.json).toMatchObject({ status: 409, code: "claim_not_held" });
    const released = await stack.api(lead, "POST", `/v1/tasks/${id}/release`, {
      handoff: "Paused: waiting for the vault migration",
    });
    expect(released.json).toMatchObject({
      claimed_by_agent_id: null,
      handoff_by_agent_id: "infra",
      handoff_note: "Paused: waiting for the vault migration",
    });

    const db = new Database(stack.dbPath, { readonly: true });
    expect(
      db
        .prepare(
          "SELECT agent_id, holder_agent_id, action FROM claim_overrides WHERE task_id = ? ORDER BY id",
        )
        .all(id),
    ).toEqual([
      { agent_id: "lead", holder_agent_id: "infra", action: "write" },
      { agent_id: "lead", holder_agent_id: "infra", action: "release" },
    ]);
    db.close();
    await receiver.waitFor(() => eventsFor(id).some((e) => e.event === "task.released"));
    expect(eventsFor(id).find((e) => e.event === "task.released")).toMatchObject({
      reason: "released",
      agent: { id: "lead" },
    });
  });

  it("closing the issue on github.com releases its claim at once, naming the person", async () => {
    const id = await newTask("Restart the stuck ingest worker");
    const { json: claim } = await stack.api(infra, "POST", `/v1/tasks/${id}/claim`, {
      lease_seconds: 600,
    });
    expect(labelNames(stack.double, id)).toContain("status:in-progress");
    // alice (write access) closes it as done on github.com, long before the lease ends.
    const closed = await personFor(stack.double, "alice").rest.issues.update({
      owner: "acme",
      repo: "tasks",
      issue_number: id,
      state: "closed",
      state_reason: "completed",
    });
    expect(closed.status).toBe(200);
    await receiver.waitFor(() => eventsFor(id).some((e) => e.event === "task.released"));
    const released = eventsFor(id).find((e) => e.event === "task.released");
    expect(released).toMatchObject({
      reason: "completed",
      agent: null,
      actor: { type: "user", login: "alice" },
      task: { id, completed: true, claimed_by_agent_id: null },
    });
    // After the task's own task.completed (also alice's).
    const order = eventsFor(id).map((e) => e.event);
    expect(order.indexOf("task.completed")).toBeLessThan(order.indexOf("task.released"));
    // The holder no longer holds it: its token is refused, and the closed issue stops naming it
    // (one write by the lease keeper).
    const late = await stack.api(infra, "POST", `/v1/tasks/${id}/heartbeat`, {
      claim_token: claim.claim_token,
    });
    expect(late.json).toMatchObject({ status: 409 });
    await eventually(
      async () => ({ labels: labelNames(stack.double, id), body: body(id) }),
      (issue) => !issue.labels.includes("status:in-progress") && !issue.body.includes("claimed by"),
    );
    expect(stack.double.state.issues.get(id)!.state).toBe("closed");
    const record = new Database(stack.dbPath, { readonly: true });
    expect(
      record.prepare("SELECT agent_id, release_reason FROM task_claims WHERE task_id = ?").get(id),
    ).toEqual({ agent_id: null, release_reason: "completed" });
    record.close();
  });

  it("bad claims get clear errors and change nothing", async () => {
    const id = await newTask("Not for dns", { assigned_to_agent_id: "infra" });
    const mark = stack.double.requests.length;
    expect((await stack.api(infra2, "POST", `/v1/tasks/${id}/claim`)).status).toBe(404);
    const byLead = await stack.api(lead, "POST", `/v1/tasks/${id}/claim`);
    expect(byLead.json).toMatchObject({ status: 409, code: "task_assigned_elsewhere" });
    const short = await stack.api(infra, "POST", `/v1/tasks/${id}/claim`, { lease_seconds: 99999 });
    expect(short.json).toMatchObject({ status: 422, code: "validation_failed" });
    const badState = await stack.api(infra, "POST", `/v1/tasks/${id}/state`, { state: "sleeping" });
    expect(badState.status).toBe(422);
    expect(writesSince(stack.double, mark)).toEqual([]);
    const done = await newTask("Already done");
    await stack.api(monitor, "POST", `/v1/tasks/${done}/complete`);
    const late = await stack.api(infra, "POST", `/v1/tasks/${done}/claim`);
    expect(late.json).toMatchObject({ status: 409, code: "task_completed" });
  });
});
