// The GitHub API double, driven over real HTTP with ProbotOctokit.
import { RequestError } from "@octokit/request-error";
import { verify } from "@octokit/webhooks-methods";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGitHubDouble, type GitHubDouble } from "../support/github-double/index.ts";
import { clientFor, personFor, type TestOctokit } from "../support/github-double/test-client.ts";
import { startWebhookSink, type WebhookSink } from "../support/github-double/webhook-sink.ts";
import { WebhookQueue } from "../support/github-double/webhook-queue.ts";
import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

const SECRET = "s3cret";
const repo = { owner: "acme", repo: "tasks" };
let double: GitHubDouble;
let sink: WebhookSink;
let app: TestOctokit;

async function statusOf(promise: Promise<unknown>): Promise<RequestError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RequestError))
    throw new Error(`expected a RequestError, got ${String(error)}`);
  return error;
}

function fakeJwt(iss: number): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "RS256", typ: "JWT" })}.${part({ iss, iat: now - 60, exp: now + 540 })}.c2ln`;
}

beforeAll(async () => {
  sink = await startWebhookSink();
  double = await startGitHubDouble({
    repo: "acme/tasks",
    webhookUrl: sink.url,
    webhookSecret: SECRET,
    collaborators: ["bob"],
    appId: 42,
  });
  app = clientFor(double);
});

afterAll(async () => {
  await double.close();
  await sink.close();
});

beforeEach(() => {
  double.clearFaults();
});

afterEach(async () => {
  await double.waitForWebhooksIdle();
});

describe("issues", () => {
  it("creates, reads, lists and updates issues as the App", async () => {
    const created = await app.rest.issues.create({ ...repo, title: "First", body: "hello" });
    expect(created.status).toBe(201);
    const issue = created.data;
    expect(issue.id).not.toBe(issue.number);
    expect(issue.user?.login).toBe("baton[bot]");
    expect(issue.user?.type).toBe("Bot");
    expect(issue.performed_via_github_app?.id).toBe(42);
    expect(issue.html_url).toBe(`${double.url}/acme/tasks/issues/${issue.number}`);
    expect(issue.url).toBe(`${double.url}/api/v3/repos/acme/tasks/issues/${issue.number}`);

    const got = await app.rest.issues.get({ ...repo, issue_number: issue.number });
    expect(got.data.title).toBe("First");

    const updated = await app.rest.issues.update({
      ...repo,
      issue_number: issue.number,
      title: "First!",
      state: "closed",
      state_reason: "not_planned",
    });
    expect(updated.data).toMatchObject({
      title: "First!",
      state: "closed",
      state_reason: "not_planned",
      closed_by: { login: "baton[bot]" },
    });
    expect(Date.parse(updated.data.updated_at)).toBeGreaterThan(Date.parse(issue.updated_at));

    const open = await app.rest.issues.listForRepo({ ...repo });
    expect(open.data.map((i) => i.number)).not.toContain(issue.number);
    const closed = await app.rest.issues.listForRepo({ ...repo, state: "closed" });
    expect(closed.data.map((i) => i.number)).toContain(issue.number);

    const reopened = await app.rest.issues.update({
      ...repo,
      issue_number: issue.number,
      state: "open",
    });
    expect(reopened.data).toMatchObject({
      state: "open",
      state_reason: "reopened",
      closed_at: null,
    });
  });

  it("validates title and body like GitHub", async () => {
    const long = await statusOf(app.rest.issues.create({ ...repo, title: "x".repeat(257) }));
    expect(long.status).toBe(422);
    expect(long.response?.data).toMatchObject({
      message: "Validation Failed",
      errors: [{ resource: "Issue", field: "title" }],
      status: "422",
    });
    const body = await statusOf(
      app.rest.issues.create({ ...repo, title: "ok", body: "b".repeat(65_537) }),
    );
    expect(body.status).toBe(422);
    const missing = await statusOf(app.rest.issues.get({ ...repo, issue_number: 99_999 }));
    expect(missing.status).toBe(404);
    expect(missing.response?.data).toMatchObject({ message: "Not Found", status: "404" });
    const otherRepo = await statusOf(
      app.rest.issues.get({ owner: "acme", repo: "other", issue_number: 1 }),
    );
    expect(otherRepo.status).toBe(404);
  });

  it("filters by labels (all must match) and paginates 250 issues with Link headers", async () => {
    await app.rest.issues.createLabel({ ...repo, name: "bulk:yes", color: "00ff00" });
    for (let start = 0; start < 250; start += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          app.rest.issues.create({
            ...repo,
            title: `bulk ${start + i}`,
            labels: (start + i) % 2 === 0 ? ["bulk:yes", "bulk:even"] : ["bulk:yes"],
          }),
        ),
      );
    }
    const first = await app.rest.issues.listForRepo({ ...repo, labels: "bulk:yes", per_page: 100 });
    expect(first.data).toHaveLength(100);
    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).toContain(
      `<${double.url}/api/v3/repos/acme/tasks/issues?labels=bulk%3Ayes&per_page=100&page=3>; rel="last"`,
    );
    const all = await app.paginate(app.rest.issues.listForRepo, {
      ...repo,
      labels: "bulk:yes",
      per_page: 100,
    });
    expect(all).toHaveLength(250);
    expect(new Set(all.map((i) => i.number)).size).toBe(250);
    const even = await app.paginate(app.rest.issues.listForRepo, {
      ...repo,
      labels: "bulk:yes,BULK:EVEN",
      per_page: 100,
    });
    expect(even).toHaveLength(125);
    const asc = await app.rest.issues.listForRepo({
      ...repo,
      labels: "bulk:yes",
      sort: "created",
      direction: "asc",
      per_page: 2,
      page: 2,
    });
    expect(asc.headers.link).toContain('rel="prev"');
    expect(asc.headers.link).toContain('rel="first"');
    expect(asc.data[0]!.number).toBeLessThan(asc.data[1]!.number);
  });

  it("answers 304 to a matching If-None-Match and does not count it", async () => {
    const { data: issue } = await app.rest.issues.create({ ...repo, title: "etag" });
    const first = await app.rest.issues.get({ ...repo, issue_number: issue.number });
    const etag = first.headers.etag;
    expect(etag).toBeTruthy();
    double.resetRequests();
    const again = await statusOf(
      app.rest.issues.get({
        ...repo,
        issue_number: issue.number,
        headers: { "if-none-match": etag },
      }),
    );
    expect(again.status).toBe(304);
    expect(double.requests).toEqual([
      expect.objectContaining({
        status: 304,
        rateLimited: false,
        route: "GET /repos/{owner}/{repo}/issues/{issue_number}",
      }),
    ]);
    await app.rest.issues.update({ ...repo, issue_number: issue.number, body: "changed" });
    const changed = await app.rest.issues.get({
      ...repo,
      issue_number: issue.number,
      headers: { "if-none-match": etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers["x-ratelimit-resource"]).toBe("core");
    expect(Number(changed.headers["x-ratelimit-used"])).toBeGreaterThan(0);
    expect(changed.headers["x-github-request-id"]).toBeTruthy();
  });
});

describe("labels and comments", () => {
  it("creates labels, rejects duplicates case-insensitively, and records auto-created grey labels", async () => {
    const { data: label } = await app.rest.issues.createLabel({
      ...repo,
      name: "baton:state/ready",
      color: "#0E8A16",
      description: "ready",
    });
    expect(label).toMatchObject({ name: "baton:state/ready", color: "0e8a16", default: false });
    const dup = await statusOf(
      app.rest.issues.createLabel({ ...repo, name: "BATON:STATE/READY", color: "000000" }),
    );
    expect(dup.status).toBe(422);
    expect(dup.response?.data).toMatchObject({ errors: [{ code: "already_exists" }] });
    const got = await app.rest.issues.getLabel({ ...repo, name: "baton:state/ready" });
    expect(got.data.id).toBe(label.id);

    const before = double.state.autoCreatedLabels.length;
    const { data: issue } = await app.rest.issues.create({
      ...repo,
      title: "labelled",
      labels: ["baton:state/ready", "surprise:new"],
    });
    expect(issue.labels.map((l) => (typeof l === "string" ? l : l.color))).toEqual([
      "0e8a16",
      "ededed",
    ]);
    expect(double.state.autoCreatedLabels.slice(before)).toEqual(["surprise:new"]);

    const added = await app.rest.issues.addLabels({
      ...repo,
      issue_number: issue.number,
      labels: ["baton:state/ready", "more"],
    });
    expect(added.data.map((l) => l.name)).toEqual(["baton:state/ready", "surprise:new", "more"]);
    const removed = await app.rest.issues.removeLabel({
      ...repo,
      issue_number: issue.number,
      name: "surprise:new",
    });
    expect(removed.data.map((l) => l.name)).toEqual(["baton:state/ready", "more"]);
    const set = await app.rest.issues.setLabels({
      ...repo,
      issue_number: issue.number,
      labels: ["more"],
    });
    expect(set.data.map((l) => l.name)).toEqual(["more"]);

    const renamed = await app.rest.issues.updateLabel({
      ...repo,
      name: "more",
      new_name: "more:renamed",
      color: "123456",
    });
    expect(renamed.data.name).toBe("more:renamed");
    const after = await app.rest.issues.get({ ...repo, issue_number: issue.number });
    expect(after.data.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual([
      "more:renamed",
    ]);
    await app.rest.issues.deleteLabel({ ...repo, name: "more:renamed" });
    expect(
      (await app.rest.issues.get({ ...repo, issue_number: issue.number })).data.labels,
    ).toEqual([]);
  });

  it("creates, lists, edits and deletes comments", async () => {
    const { data: issue } = await app.rest.issues.create({ ...repo, title: "commented" });
    const { data: comment } = await app.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: "one",
    });
    expect(comment).toMatchObject({
      body: "one",
      user: { login: "baton[bot]" },
      performed_via_github_app: { slug: "baton" },
    });
    expect(comment.issue_url).toBe(issue.url);
    await app.rest.issues.createComment({ ...repo, issue_number: issue.number, body: "two" });
    const list = await app.rest.issues.listComments({
      ...repo,
      issue_number: issue.number,
      per_page: 1,
    });
    expect(list.data.map((c) => c.body)).toEqual(["one"]);
    expect(list.headers.link).toContain('rel="next"');
    const edited = await app.rest.issues.updateComment({
      ...repo,
      comment_id: comment.id,
      body: "uno",
    });
    expect(edited.data.body).toBe("uno");
    expect((await app.rest.issues.get({ ...repo, issue_number: issue.number })).data.comments).toBe(
      2,
    );
    await app.rest.issues.deleteComment({ ...repo, comment_id: comment.id });
    expect(
      (await statusOf(app.rest.issues.getComment({ ...repo, comment_id: comment.id }))).status,
    ).toBe(404);
  });
});

describe("people and the App", () => {
  it("acts as a person with token user:<login>", async () => {
    const alice = personFor(double, "alice");
    const { data: issue } = await alice.rest.issues.create({ ...repo, title: "from alice" });
    expect(issue).toMatchObject({
      user: { login: "alice", type: "User" },
      author_association: "NONE",
      performed_via_github_app: null,
    });
    const { data: comment } = await personFor(double, "bob").rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: "hi",
    });
    expect(comment.author_association).toBe("COLLABORATOR");
    const { data: owned } = await personFor(double, "acme").rest.issues.create({
      ...repo,
      title: "from owner",
    });
    expect(owned.author_association).toBe("OWNER");
    await double.waitForWebhooksIdle();
    const opened = double.webhookDeliveries.find(
      (d) =>
        d.event === "issues" &&
        (d.payload as { issue: { number: number } }).issue.number === issue.number,
    );
    expect(opened?.payload).toMatchObject({ action: "opened", sender: { login: "alice" } });
  });

  it("rejects bad credentials and serves App endpoints to a JWT", async () => {
    const bad = await statusOf(clientFor(double, "nope").rest.issues.listForRepo({ ...repo }));
    expect(bad.status).toBe(401);
    expect(bad.response?.data).toMatchObject({ message: "Bad credentials" });
    const jwtClient = clientFor(double, fakeJwt(42));
    const { data: me } = await jwtClient.rest.apps.getAuthenticated();
    expect(me).toMatchObject({ id: 42, slug: "baton" });
    const { data: installation } = await jwtClient.rest.apps.getRepoInstallation({ ...repo });
    expect(installation.id).toBe(1);
    const token = await jwtClient.rest.apps.createInstallationAccessToken({ installation_id: 1 });
    expect(token.status).toBe(201);
    expect(token.data.token).toMatch(/^ghs_/);
    expect(Date.parse(token.data.expires_at) - Date.now()).toBeGreaterThan(3_500_000);
    expect(
      (await statusOf(clientFor(double, fakeJwt(7)).rest.apps.getAuthenticated())).status,
    ).toBe(401);
  });
});

describe("sub-issues", () => {
  it("links by id, enforces 100 children, one parent, no cycles and 8 levels", async () => {
    const { data: parent } = await app.rest.issues.create({ ...repo, title: "parent" });
    const children = [];
    for (let i = 0; i < 101; i++)
      children.push((await app.rest.issues.create({ ...repo, title: `child ${i}` })).data);
    for (const child of children.slice(0, 100)) {
      await app.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
        ...repo,
        issue_number: parent.number,
        sub_issue_id: child.id,
      });
    }
    const over = await statusOf(
      app.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
        ...repo,
        issue_number: parent.number,
        sub_issue_id: children[100]!.id,
      }),
    );
    expect(over.status).toBe(422);
    const byNumber = await statusOf(
      app.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
        ...repo,
        issue_number: parent.number,
        sub_issue_id: children[100]!.number,
      }),
    );
    expect(byNumber.status).toBe(404);

    const { data: other } = await app.rest.issues.create({ ...repo, title: "other parent" });
    const taken = await statusOf(
      app.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
        ...repo,
        issue_number: other.number,
        sub_issue_id: children[0]!.id,
      }),
    );
    expect(taken.status).toBe(422);
    const moved = await app.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
      ...repo,
      issue_number: other.number,
      sub_issue_id: children[0]!.id,
      replace_parent: true,
    });
    expect(moved.data.parent_issue_url).toBe(other.url);
    const parentOf = await app.request("GET /repos/{owner}/{repo}/issues/{issue_number}/parent", {
      ...repo,
      issue_number: children[0]!.number,
    });
    expect(parentOf.data.number).toBe(other.number);
    const cycle = await statusOf(
      app.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
        ...repo,
        issue_number: children[0]!.number,
        sub_issue_id: other.id,
      }),
    );
    expect(cycle.status).toBe(422);

    const list = await app.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
      ...repo,
      issue_number: parent.number,
      per_page: 100,
    });
    expect(list).toHaveLength(99);
    await app.rest.issues.update({ ...repo, issue_number: children[1]!.number, state: "closed" });
    const summary = (await app.rest.issues.get({ ...repo, issue_number: parent.number })).data
      .sub_issues_summary;
    expect(summary).toEqual({ total: 99, completed: 1, percent_completed: 1 });

    const removed = await app.request(
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/sub_issue",
      { ...repo, issue_number: other.number, sub_issue_id: children[0]!.id },
    );
    expect(removed.data.parent_issue_url).toBeNull();
    expect(
      (
        await statusOf(
          app.request("GET /repos/{owner}/{repo}/issues/{issue_number}/parent", {
            ...repo,
            issue_number: children[0]!.number,
          }),
        )
      ).status,
    ).toBe(404);

    // A chain of 8 levels is allowed; the 9th is refused.
    const chain = [];
    for (let i = 0; i < 9; i++)
      chain.push((await app.rest.issues.create({ ...repo, title: `level ${i + 1}` })).data);
    for (let i = 1; i < 8; i++) {
      await app.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
        ...repo,
        issue_number: chain[i - 1]!.number,
        sub_issue_id: chain[i]!.id,
      });
    }
    const ninth = await statusOf(
      app.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
        ...repo,
        issue_number: chain[7]!.number,
        sub_issue_id: chain[8]!.id,
      }),
    );
    expect(ninth.status).toBe(422);
  });
});

describe("faults", () => {
  it("answers 502 before the change, or after it (a lost response)", async () => {
    const count = double.state.issues.size;
    double.injectFault({ route: "POST /repos/{owner}/{repo}/issues", kind: "status", status: 502 });
    expect((await statusOf(app.rest.issues.create({ ...repo, title: "lost?" }))).status).toBe(502);
    expect(double.state.issues.size).toBe(count);

    await double.waitForWebhooksIdle();
    const deliveries = double.webhookDeliveries.length;
    double.injectFault({
      method: "POST",
      route: "POST /repos/{owner}/{repo}/issues",
      kind: "status",
      status: 502,
      when: "after",
    });
    expect(
      (await statusOf(app.rest.issues.create({ ...repo, title: "lost response" }))).status,
    ).toBe(502);
    expect(double.state.issues.size).toBe(count + 1);
    await double.waitForWebhooksIdle();
    expect(double.webhookDeliveries.slice(deliveries).map((d) => d.action)).toEqual(["opened"]);
    // times defaults to 1: the next call succeeds.
    expect((await app.rest.issues.create({ ...repo, title: "fine" })).status).toBe(201);
  });

  it("answers secondary rate limits with retry-after, and adds latency", async () => {
    double.injectFault({
      route: "GET /repos/{owner}/{repo}/issues",
      kind: "secondary_rate_limit",
      retryAfter: 7,
      times: 2,
    });
    for (let i = 0; i < 2; i++) {
      const error = await statusOf(app.rest.issues.listForRepo({ ...repo }));
      expect(error.status).toBe(403);
      expect(error.response?.headers["retry-after"]).toBe("7");
      expect(error.response?.data).toMatchObject({
        message: expect.stringContaining("secondary rate limit"),
      });
    }
    expect((await app.rest.issues.listForRepo({ ...repo })).status).toBe(200);
    double.injectFault({ kind: "latency", latencyMs: 150 });
    const started = Date.now();
    await app.rest.issues.listLabelsForRepo({ ...repo });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe("webhooks", () => {
  it("a change's webhook is sent once the API call that made it has answered, as GitHub does", async () => {
    const own = await startWebhookSink();
    const queue = new WebhookQueue({
      url: own.url,
      secret: SECRET,
      appId: 42,
      hookId: 1,
      installationId: 1,
      repositoryId: 1,
    });
    const answer = new EventEmitter() as EventEmitter & ServerResponse;
    queue.during(answer, () => queue.enqueue({ event: "issues", action: "opened", payload: {} }));
    let idle = false;
    void queue.whenIdle().then(() => (idle = true));
    await sleep(50);
    expect([own.received.length, idle]).toEqual([0, false]);
    answer.emit("close");
    await queue.whenIdle();
    expect(own.received.map((r) => r.headers["x-github-event"])).toEqual(["issues"]);
    await own.close();
  });

  it("signs deliveries and sends edited, labeled/unlabeled, closed for one PATCH", async () => {
    const { data: issue } = await app.rest.issues.create({
      ...repo,
      title: "hooked",
      body: "v1",
      labels: ["hook:a"],
    });
    await double.waitForWebhooksIdle();
    const from = sink.received.length;
    await app.rest.issues.update({
      ...repo,
      issue_number: issue.number,
      body: "v2",
      labels: ["hook:b"],
      state: "closed",
    });
    await double.waitForWebhooksIdle();
    const received = sink.received.slice(from);
    const sequence = received.map((r) => {
      const payload = JSON.parse(r.body) as { action: string; label?: { name: string } };
      return `${String(r.headers["x-github-event"])}.${payload.action}${payload.label ? `:${payload.label.name}` : ""}`;
    });
    expect(sequence).toEqual([
      "label.created:hook:b",
      "issues.edited",
      "issues.labeled:hook:b",
      "issues.unlabeled:hook:a",
      "issues.closed",
    ]);
    for (const r of received) {
      expect(await verify(SECRET, r.body, String(r.headers["x-hub-signature-256"]))).toBe(true);
      expect(r.headers).toMatchObject({
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/double",
        "x-github-hook-installation-target-type": "integration",
        "x-github-hook-installation-target-id": "42",
      });
      expect(r.headers["x-github-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    }
    const edited = JSON.parse(received[1]!.body) as Record<string, unknown>;
    expect(edited).toMatchObject({
      changes: { body: { from: "v1" } },
      sender: { login: "baton[bot]" },
      installation: { id: 1 },
      repository: { full_name: "acme/tasks" },
    });
    expect(double.webhookDeliveries.at(-1)).toMatchObject({
      event: "issues",
      action: "closed",
      status: 202,
    });
  });

  it("sends sub_issues events for the parent and the child", async () => {
    const { data: parent } = await app.rest.issues.create({ ...repo, title: "p" });
    const { data: child } = await app.rest.issues.create({ ...repo, title: "c" });
    await double.waitForWebhooksIdle();
    const from = double.webhookDeliveries.length;
    await app.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
      ...repo,
      issue_number: parent.number,
      sub_issue_id: child.id,
    });
    await double.waitForWebhooksIdle();
    const events = double.webhookDeliveries.slice(from);
    expect(events.map((d) => `${d.event}.${d.action}`)).toEqual([
      "sub_issues.sub_issue_added",
      "sub_issues.parent_issue_added",
    ]);
    expect(events[0]!.payload).toMatchObject({
      parent_issue_id: parent.id,
      sub_issue_id: child.id,
      sub_issue: { number: child.number },
      parent_issue_repo: { name: "tasks" },
    });
  });

  it("keeps failed deliveries; the App lists them (newest first, paged) and redelivers one", async () => {
    const jwt = clientFor(double, fakeJwt(42));
    double.setWebhookUrl("http://127.0.0.1:9/baton-is-down");
    const { data: issue } = await personFor(double, "bob").rest.issues.create({
      ...repo,
      title: "while Baton was down",
    });
    await double.waitForWebhooksIdle();
    double.setWebhookUrl(sink.url);
    const missed = double.webhookDeliveries.at(-1)!;
    expect(missed).toMatchObject({ event: "issues", action: "opened", status: "error" });

    const failures = await jwt.rest.apps.listWebhookDeliveries({ status: "failure", per_page: 1 });
    expect(failures.data.map((d) => [d.guid, d.status, d.status_code, d.redelivery])).toEqual([
      [missed.id, "failed to connect", 0, false],
    ]);
    // Cursor paging, newest first, over every attempt.
    const pages = await jwt.paginate(jwt.rest.apps.listWebhookDeliveries, { per_page: 2 });
    expect(pages.map((d) => d.id)).toEqual(
      double.webhookDeliveries.map((d) => d.deliveryId).reverse(),
    );
    const full = await jwt.rest.apps.getWebhookDelivery({ delivery_id: failures.data[0]!.id });
    expect(full.data.request.payload).toMatchObject({
      action: "opened",
      issue: { number: issue.number },
    });
    expect(full.data.request.headers).toMatchObject({ "x-github-delivery": missed.id });

    const from = sink.received.length;
    await jwt.rest.apps.redeliverWebhookDelivery({ delivery_id: failures.data[0]!.id });
    await double.waitForWebhooksIdle();
    expect(sink.received.slice(from).map((r) => r.headers["x-github-delivery"])).toEqual([
      missed.id,
    ]);
    expect(double.webhookDeliveries.at(-1)).toMatchObject({
      id: missed.id,
      redelivery: true,
      status: 202,
    });
    // An installation token cannot read the App's deliveries.
    expect((await statusOf(app.rest.apps.listWebhookDeliveries())).status).toBe(401);
  });
});
