// The double's issue dependencies ("blocked by" / "blocking"), driven over real HTTP.
import { RequestError } from "@octokit/request-error";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubDouble, type GitHubDouble } from "../support/github-double/index.ts";
import { clientFor, personFor, type TestOctokit } from "../support/github-double/test-client.ts";
import { startWebhookSink, type WebhookSink } from "../support/github-double/webhook-sink.ts";

const repo = { owner: "acme", repo: "tasks" };
const BLOCKED_BY = "/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by";
let double: GitHubDouble;
let sink: WebhookSink;
let app: TestOctokit;

async function refusal(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RequestError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { status: error.status, message: error.message };
}

beforeAll(async () => {
  sink = await startWebhookSink();
  double = await startGitHubDouble({
    repo: "acme/tasks",
    webhookUrl: sink.url,
    webhookSecret: "s",
    collaborators: ["bob"],
  });
  app = clientFor(double);
});
afterAll(async () => {
  await double.close();
  await sink.close();
});

const newIssue = async (title: string, client = app) =>
  (await client.rest.issues.create({ ...repo, title })).data;
const block = (client: TestOctokit, blocked: number, blockerId: number) =>
  client.request(`POST ${BLOCKED_BY}`, { ...repo, issue_number: blocked, issue_id: blockerId });

describe("issue dependencies", () => {
  it("adds by the blocker's id, lists both sides and counts open ones in the summary", async () => {
    const deploy = await newIssue("deploy");
    const build = await newIssue("build");
    const test = await newIssue("test");
    const added = await block(app, deploy.number, build.id);
    expect(added.status).toBe(201);
    expect(added.data).toMatchObject({ number: build.number });
    await block(app, deploy.number, test.id);
    await app.rest.issues.update({ ...repo, issue_number: test.number, state: "closed" });

    const blockers = await app.request(`GET ${BLOCKED_BY}`, {
      ...repo,
      issue_number: deploy.number,
    });
    expect(blockers.data.map((i: { number: number }) => i.number)).toEqual([
      build.number,
      test.number,
    ]);
    const blocking = await app.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocking",
      { ...repo, issue_number: build.number },
    );
    expect(blocking.data.map((i: { number: number }) => i.number)).toEqual([deploy.number]);
    const { data } = await app.rest.issues.get({ ...repo, issue_number: deploy.number });
    expect(data.issue_dependencies_summary).toEqual({
      blocked_by: 1,
      blocking: 0,
      total_blocked_by: 2,
      total_blocking: 0,
    });

    const removed = await app.request(`DELETE ${BLOCKED_BY}/{issue_id}`, {
      ...repo,
      issue_number: deploy.number,
      issue_id: build.id,
    });
    expect(removed.data).toMatchObject({ number: build.number });
    expect(double.state.dependencyLinks()).toContainEqual({
      blocked: deploy.number,
      blocker: test.number,
    });
    expect(
      await refusal(
        app.request(`DELETE ${BLOCKED_BY}/{issue_id}`, {
          ...repo,
          issue_number: deploy.number,
          issue_id: build.id,
        }),
      ),
    ).toMatchObject({ status: 404 });
  });

  it("refuses itself, a pair twice, a number for an id, and a 51st blocker", async () => {
    const a = await newIssue("a");
    const b = await newIssue("b");
    expect((await refusal(block(app, a.number, a.id))).status).toBe(422);
    await block(app, a.number, b.id);
    expect((await refusal(block(app, a.number, b.id))).status).toBe(422);
    expect((await refusal(block(app, a.number, b.number))).status).toBe(404);
    // GitHub accepts a cycle: Baton refuses it itself.
    expect((await block(app, b.number, a.id)).status).toBe(201);

    const many = await newIssue("many");
    for (let i = 0; i < 50; i++) await block(app, many.number, (await newIssue(`m${i}`)).id);
    const over = await refusal(block(app, many.number, (await newIssue("one more")).id));
    expect(over.status).toBe(422);
  });

  it("lets only writers change dependencies, even on a person's own issue", async () => {
    const mine = await newIssue("eve's", personFor(double, "eve"));
    const other = await newIssue("other");
    const eve = personFor(double, "eve");
    expect((await refusal(block(eve, mine.number, other.id))).status).toBe(403);
    expect((await block(personFor(double, "bob"), mine.number, other.id)).status).toBe(201);
  });

  it("sends issue_dependencies from both sides, and drops them when an issue is deleted", async () => {
    const blocked = await newIssue("blocked");
    const blocker = await newIssue("blocker");
    await double.waitForWebhooksIdle();
    const from = double.webhookDeliveries.length;
    await block(personFor(double, "bob"), blocked.number, blocker.id);
    await app.request(`DELETE ${BLOCKED_BY}/{issue_id}`, {
      ...repo,
      issue_number: blocked.number,
      issue_id: blocker.id,
    });
    await double.waitForWebhooksIdle();
    const events = double.webhookDeliveries.slice(from);
    expect(events.map((d) => `${d.event}.${d.action}`)).toEqual([
      "issue_dependencies.blocked_by_added",
      "issue_dependencies.blocking_added",
      "issue_dependencies.blocked_by_removed",
      "issue_dependencies.blocking_removed",
    ]);
    expect(events[0]!.payload).toMatchObject({
      blocked_issue_id: blocked.id,
      blocked_issue: { number: blocked.number },
      blocking_issue_id: blocker.id,
      blocking_issue: { number: blocker.number },
      blocking_issue_repo: { full_name: "acme/tasks" },
      sender: { login: "bob" },
    });
    expect(events[1]!.payload).toMatchObject({ blocked_issue_repo: { full_name: "acme/tasks" } });

    await block(app, blocked.number, blocker.id);
    await app.graphql(
      `mutation($id: ID!) { deleteIssue(input: { issueId: $id }) { clientMutationId } }`,
      { id: blocker.node_id },
    );
    expect(double.state.issues.get(blocked.number)!.blockedBy).toEqual([]);
  });
});
