// Dependencies between tasks on GitHub's own issue dependencies, through the real server and the
// GitHub double: the API, people on github.com, the ready queue and task.unblocked.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWritesSince, eventually, writesSince } from "../support/assertions.js";
import { sendWebhook } from "../support/inbound-webhooks.js";
import { baton, isolatedHome } from "../support/cli-runner.js";
import { BatonClient } from "../../src/sdk/index.js";
import { startEventReceiver, type EventReceiver } from "../support/event-receiver.js";
import { personFor } from "../support/github-double/test-client.js";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack;
let monitor: string;
let infra: string;
let other: string;
let receiver: EventReceiver;
const repo = { owner: "acme", repo: "tasks" };
const BLOCKED_BY = "/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by";

beforeAll(async () => {
  stack = await startStack({
    env: { BATON_ALLOW_PRIVATE_WEBHOOKS: "true", BATON_CATCHUP_INTERVAL_S: "1" },
  });
  [monitor, infra, other] = await Promise.all([
    stack.createAgent("monitor"),
    stack.createAgent("infra"),
    stack.createAgent("other"),
  ]);
  receiver = await startEventReceiver();
  const sub = await stack.api(monitor, "POST", "/v1/webhooks", {
    url: receiver.url,
    events: ["task.unblocked"],
  });
  expect(sub.status).toBe(201);
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

const newTask = async (content: string, labels: string[] = []) => {
  const res = await stack.api(monitor, "POST", "/v1/tasks", {
    content,
    labels,
    allow_duplicate: true,
  });
  expect(res.status).toBe(201);
  return res.json.id as number;
};
const task = async (id: number) => (await stack.api(monitor, "GET", `/v1/tasks/${id}`)).json;
const readyIds = async (label: string) => {
  const res = await stack.api(infra, "GET", `/v1/tasks/ready?label=${label}`);
  expect(res.status).toBe(200);
  return res.json.map((t: { id: number }) => t.id) as number[];
};
const issueId = (number: number) => stack.double.state.issues.get(number)!.id;
const unblockedEvents = (id: number) =>
  receiver.received.filter((e) => e.json.event === "task.unblocked" && e.json.task.id === id);
/** Baton has taken in every webhook GitHub sent so far. */
const settled = () => stack.double.waitForWebhooksIdle();

describe("dependencies", () => {
  it("POST and DELETE /dependencies: the task fields and one GitHub write each", async () => {
    const deploy = await newTask("Deploy the new ingress");
    const cert = await newTask("Issue the ingress certificate");
    let mark = stack.double.requests.length;
    const added = await stack.api(monitor, "POST", `/v1/tasks/${deploy}/dependencies`, {
      blocked_by: cert,
    });
    expect(added.status).toBe(200);
    expect(added.json).toMatchObject({ id: deploy, blocked_by: [cert], blocking: [] });
    expect(writesSince(stack.double, mark).map((r) => `${r.route} ${r.status}`)).toEqual([
      `POST ${BLOCKED_BY} 201`,
    ]);
    expect(stack.double.state.issues.get(deploy)!.blockedBy).toEqual([cert]);
    expect(await task(cert)).toMatchObject({ blocked_by: [], blocking: [deploy] });

    // Adding it again changes nothing and writes nothing (the /api alias, as Delega's clients).
    mark = stack.double.requests.length;
    const again = await stack.api(monitor, "POST", `/api/tasks/${deploy}/dependencies`, {
      blocked_by: cert,
    });
    expect(again.json.blocked_by).toEqual([cert]);
    expect(writesSince(stack.double, mark)).toEqual([]);

    mark = stack.double.requests.length;
    const removed = await stack.api(monitor, "DELETE", `/v1/tasks/${deploy}/dependencies/${cert}`);
    expect(removed.status).toBe(200);
    expect(removed.json).toMatchObject({ ok: true, task: { id: deploy, blocked_by: [] } });
    expect(writesSince(stack.double, mark).map((r) => r.route)).toEqual([
      `DELETE ${BLOCKED_BY}/{issue_id}`,
    ]);
    expect(stack.double.state.issues.get(deploy)!.blockedBy).toEqual([]);
    await settled();
    expect(await task(cert)).toMatchObject({ blocking: [] });
  });

  it("the ready queue leaves out a blocked task; task.unblocked fires once, on the last blocker", async () => {
    const rollout = await newTask("Roll out the new DNS records", ["deps-ready"]);
    const zone = await newTask("Create the DNS zone", ["deps-ready"]);
    const registrar = await newTask("Move the domain to the new registrar", ["deps-ready"]);
    for (const blocker of [zone, registrar])
      await stack.api(monitor, "POST", `/v1/tasks/${rollout}/dependencies`, {
        blocked_by: blocker,
      });
    expect(await readyIds("deps-ready")).toEqual([zone, registrar]);
    // A queue claim takes a ready task, never the blocked one.
    const claimed = await stack.api(infra, "POST", "/v1/tasks/claim", { labels: ["deps-ready"] });
    expect(claimed.json.task.id).toBe(zone);
    await stack.api(infra, "POST", `/v1/tasks/${zone}/complete`);
    await settled();
    expect(await readyIds("deps-ready")).toEqual([registrar]);
    expect(unblockedEvents(rollout)).toEqual([]);

    // The last blocker is closed by a person on github.com.
    await personFor(stack.double, "alice").rest.issues.update({
      ...repo,
      issue_number: registrar,
      state: "closed",
    });
    await receiver.waitFor(() => unblockedEvents(rollout).length > 0);
    expect(await readyIds("deps-ready")).toEqual([rollout]);
    await settled();
    // GitHub's webhook delivered again, and a list that reads every task back: still once.
    const closed = stack.double.webhookDeliveries.find(
      (d) =>
        d.event === "issues" &&
        d.action === "closed" &&
        (d.payload as { issue: { number: number } }).issue.number === registrar,
    )!;
    const status = await sendWebhook(
      stack.baton.url,
      stack.env.WEBHOOK_SECRET!,
      "issues",
      closed.payload,
      closed.id,
    );
    expect(status).toBeLessThan(300);
    await stack.api(monitor, "GET", `/v1/tasks?label=deps-ready&include_completed=true`);
    expect(unblockedEvents(rollout)).toHaveLength(1);
    expect(unblockedEvents(rollout)[0]!.json).toMatchObject({
      event: "task.unblocked",
      reason: "blocker_completed",
      task: { id: rollout, blocked_by: [zone, registrar], status: "open" },
    });

    // Reopened, the blocker holds the task up again; completed again, it is unblocked again.
    expect((await stack.api(monitor, "POST", `/v1/tasks/${zone}/uncomplete`)).status).toBe(200);
    expect(await readyIds("deps-ready")).toEqual([zone]);
    await stack.api(monitor, "POST", `/v1/tasks/${zone}/complete`);
    await receiver.waitFor(() => unblockedEvents(rollout).length === 2);
  });

  it("removing the last open blocker unblocks the task too", async () => {
    const report = await newTask("Write the outage report", ["deps-remove"]);
    const timeline = await newTask("Collect the outage timeline", ["deps-remove"]);
    await stack.api(monitor, "POST", `/v1/tasks/${report}/dependencies`, { blocked_by: timeline });
    expect(await readyIds("deps-remove")).toEqual([timeline]);
    // GitHub's answer is slow: its webhook reaches Baton first, and is only an echo of the
    // agent's removal, whose answer sends the event naming her.
    stack.double.injectFault({
      route: `DELETE ${BLOCKED_BY}/{issue_id}`,
      kind: "latency",
      latencyMs: 1500,
      times: 1,
    });
    await stack.api(monitor, "DELETE", `/v1/tasks/${report}/dependencies/${timeline}`);
    expect(await readyIds("deps-remove")).toEqual([report, timeline]);
    await receiver.waitFor(() => unblockedEvents(report).length === 1);
    expect(unblockedEvents(report)[0]!.json).toMatchObject({
      reason: "dependency_removed",
      agent: { id: "monitor" },
    });
  });

  it("a person who adds or removes 'blocked by' on github.com is reflected", async () => {
    const upgrade = await newTask("Upgrade the cluster", ["deps-person"]);
    const backup = await newTask("Back up etcd", ["deps-person"]);
    const alice = personFor(stack.double, "alice");
    await alice.request(`POST ${BLOCKED_BY}`, {
      ...repo,
      issue_number: upgrade,
      issue_id: issueId(backup),
    });
    await settled();
    expect(await readyIds("deps-person")).toEqual([backup]);
    expect(await task(upgrade)).toMatchObject({ blocked_by: [backup] });
    expect(await task(backup)).toMatchObject({ blocking: [upgrade] });

    await alice.request(`DELETE ${BLOCKED_BY}/{issue_id}`, {
      ...repo,
      issue_number: upgrade,
      issue_id: issueId(backup),
    });
    await receiver.waitFor(() => unblockedEvents(upgrade).length === 1);
    expect(unblockedEvents(upgrade)[0]!.json).toMatchObject({
      reason: "dependency_removed",
      actor: { type: "user", login: "alice" },
    });
    expect(await readyIds("deps-person")).toEqual([upgrade, backup]);
  });

  it("a dependency whose webhook Baton missed arrives with catch-up", async () => {
    const migrate = await newTask("Migrate the queue", ["deps-missed"]);
    const drain = await newTask("Drain the old queue", ["deps-missed"]);
    await settled();
    // Baton is not told: the webhook goes nowhere (GitHub keeps the failed delivery).
    stack.double.setWebhookUrl("http://127.0.0.1:9/api/github/webhooks");
    try {
      await personFor(stack.double, "alice").request(`POST ${BLOCKED_BY}`, {
        ...repo,
        issue_number: migrate,
        issue_id: issueId(drain),
      });
      await settled();
    } finally {
      stack.double.setWebhookUrl(`${stack.baton.url}/api/github/webhooks`);
    }
    // The catch-up pass (every second here) replays it: the queue and the fields follow.
    await eventually(
      () => readyIds("deps-missed"),
      (ids) => ids.length === 1,
    );
    expect(await readyIds("deps-missed")).toEqual([drain]);
    expect(await task(migrate)).toMatchObject({ blocked_by: [drain] });
  });

  it("GitHub is the record: pairs the store lost are read back when the index is refreshed", async () => {
    const index = await newTask("Reindex the search cluster", ["deps-lost"]);
    const snapshot = await newTask("Snapshot the search cluster", ["deps-lost"]);
    await stack.api(monitor, "POST", `/v1/tasks/${index}/dependencies`, { blocked_by: snapshot });
    await settled(); // GitHub's webhooks of it are in: nothing is left to replay
    // The store forgets the pair (a restored backup, a bug): GitHub still has it.
    const db = new Database(stack.dbPath);
    db.prepare("DELETE FROM task_dependencies WHERE task_id = ?").run(index);
    db.prepare("DELETE FROM dependency_totals WHERE task_id IN (?, ?)").run(index, snapshot);
    db.close();
    // At start Baton reads the open issues again; the totals on the issue differ from the store's
    // (none), so the pairs are read back before the task is indexed.
    const mark = stack.double.requests.length;
    await stack.restart();
    await eventually(
      () => readyIds("deps-lost"),
      (ids) => ids.length === 1,
    );
    expect(await readyIds("deps-lost")).toEqual([snapshot]);
    expect(await task(index)).toMatchObject({ blocked_by: [snapshot] });
    expect(await task(snapshot)).toMatchObject({ blocking: [index] });
    expect(stack.double.requests.slice(mark).map((r) => r.route)).toContain(`GET ${BLOCKED_BY}`);
  });

  it("only writers change dependencies on GitHub, and only between tasks", async () => {
    const ship = await newTask("Ship the release", ["deps-trust"]);
    const blocker = await newTask("Sign the release", ["deps-trust"]);
    // A stranger may not add one, even to an issue they opened.
    const eve = personFor(stack.double, "eve");
    const refused = await eve
      .request(`POST ${BLOCKED_BY}`, { ...repo, issue_number: ship, issue_id: issueId(blocker) })
      .catch((error: { status: number }) => error.status);
    expect(refused).toBe(403);
    // A writer makes a task wait for an issue that is no task (a stranger's): Baton ignores it.
    const { data: strangers } = await eve.rest.issues.create({ ...repo, title: "Please fix" });
    await personFor(stack.double, "alice").request(`POST ${BLOCKED_BY}`, {
      ...repo,
      issue_number: ship,
      issue_id: strangers.id,
    });
    await settled();
    expect(stack.double.state.issues.get(ship)!.blockedBy).toEqual([strangers.number]);
    expect(await task(ship)).toMatchObject({ blocked_by: [] });
    expect(await readyIds("deps-trust")).toEqual([ship, blocker]);
    // Nor can an agent name it as a blocker.
    const mark = stack.double.requests.length;
    const viaApi = await stack.api(monitor, "POST", `/v1/tasks/${blocker}/dependencies`, {
      blocked_by: strangers.number,
    });
    expect(viaApi.status).toBe(422);
    expect(viaApi.json).toMatchObject({ code: "unknown_blocker", field: "blocked_by" });
    expect(appWritesSince(stack.double, mark)).toEqual([]);
  });

  it("the SDK's addDependency and removeDependency; the CLI's block, unblock and show", async () => {
    const sdk = new BatonClient({ baseUrl: `${stack.baton.url}/v1`, agentKey: monitor });
    const launch = await newTask("Launch the status page");
    const dns = await newTask("Point status.example.com at it");
    const tls = await newTask("Get a certificate for the status page");
    expect(await sdk.tasks.addDependency(launch, dns)).toMatchObject({ blocked_by: [dns] });
    expect(await sdk.tasks.removeDependency(launch, `#${dns}`)).toMatchObject({ blocked_by: [] });

    const env = { ...isolatedHome(), BATON_URL: stack.baton.url, BATON_AGENT_KEY: monitor };
    const block = await baton(["tasks", "block", String(launch), "--on", String(tls)], env);
    expect([block.code, block.stdout.trim()]).toEqual([0, `#${launch} waits for #${tls}.`]);
    const shown = await baton(["tasks", "show", String(launch)], env);
    expect(shown.stdout).toMatch(new RegExp(`blocked by:\\s+#${tls}\\n`));
    const json = await baton(["tasks", "show", String(tls), "--json"], env);
    expect(json.json).toMatchObject({ blocking: [launch] });
    const circle = await baton(["tasks", "block", String(tls), "--on", String(launch)], env);
    expect(circle.code).toBe(1);
    expect(circle.stderr).toContain("wait for each other");
    const unblock = await baton(["tasks", "unblock", String(launch), "--on", String(tls)], env);
    expect([unblock.code, unblock.stdout.trim()]).toEqual([0, `#${launch} waits for nothing.`]);
    const usage = await baton(["tasks", "block", String(launch)], env);
    expect(usage.code).toBe(2);
  });

  it("bad input: clear codes, nothing written", async () => {
    const a = await newTask("Rotate the signing key");
    const b = await newTask("Publish the new public key");
    const c = await newTask("Announce the key rotation");
    await stack.api(monitor, "POST", `/v1/tasks/${b}/dependencies`, { blocked_by: a });
    await stack.api(monitor, "POST", `/v1/tasks/${c}/dependencies`, { blocked_by: b });
    const mark = stack.double.requests.length;
    const post = (id: number, body: unknown, key = monitor) =>
      stack.api(key, "POST", `/v1/tasks/${id}/dependencies`, body);

    const self = await post(a, { blocked_by: a });
    expect([self.status, self.json.code]).toEqual([422, "dependency_on_self"]);
    const cycle = await post(a, { blocked_by: c });
    expect([cycle.status, cycle.json.code]).toEqual([422, "dependency_cycle"]);
    expect(cycle.json.cycle).toEqual([a, c, b, a]);
    const unknown = await post(999_999, { blocked_by: a });
    expect([unknown.status, unknown.json.code]).toEqual([404, "task_not_found"]);
    const noBlocker = await post(a, { blocked_by: 999_999 });
    expect([noBlocker.status, noBlocker.json.code]).toEqual([422, "unknown_blocker"]);
    const notANumber = await post(a, { blocked_by: "soon" });
    expect([notANumber.status, notANumber.json.code]).toEqual([422, "validation_failed"]);
    const missing = await post(a, {});
    expect([missing.status, missing.json.code]).toEqual([422, "validation_failed"]);
    // The same access as an update: another worker sees the open task, but may not change it.
    const stranger = await post(a, { blocked_by: b }, other);
    expect([stranger.status, stranger.json.code]).toEqual([403, "forbidden"]);
    const notThere = await stack.api(monitor, "DELETE", `/v1/tasks/${a}/dependencies/${c}`);
    expect([notThere.status, notThere.json.code]).toEqual([404, "dependency_not_found"]);
    expect(writesSince(stack.double, mark)).toEqual([]);
  });
});
