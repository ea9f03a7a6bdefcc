// The double's REST answers must satisfy GitHub's own OpenAPI response schemas.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule, { type FormatsPlugin } from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubDouble, type GitHubDouble } from "../support/github-double/index.ts";
import { toJsonSchema } from "../support/github-double/openapi-schema.ts";
import { clientFor, personFor, type TestOctokit } from "../support/github-double/test-client.ts";
import { startWebhookSink } from "../support/github-double/webhook-sink.ts";

interface OpenApiOperation {
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, OpenApiOperation>>;
  "x-webhooks": Record<
    string,
    { post: { requestBody: { content: { "application/json": { schema: object } } } } }
  >;
}

const require = createRequire(import.meta.url);
const spec = JSON.parse(
  readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.deref.json"), "utf8"),
) as OpenApi;
const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const formatsModule = addFormatsModule as unknown as FormatsPlugin & { default?: FormatsPlugin };
const addFormats: FormatsPlugin = formatsModule.default ?? formatsModule;
addFormats(ajv);

const validators = new Map<string, ValidateFunction>();

function validatorFor(method: string, path: string, status: number): ValidateFunction {
  const key = `${method} ${path} ${status}`;
  const known = validators.get(key);
  if (known) return known;
  const schema =
    spec.paths[path]?.[method.toLowerCase()]?.responses[String(status)]?.content?.[
      "application/json"
    ]?.schema;
  if (!schema) throw new Error(`no ${status} schema for ${method} ${path}`);
  const validate = ajv.compile(toJsonSchema(schema) as object);
  validators.set(key, validate);
  return validate;
}

/**
 * Every answer this file checks, compiled before any request: on a loaded machine compiling
 * GitHub's larger schemas (the timeline's above all) takes longer than the double keeps an idle
 * connection open, and the next request would meet a closed socket.
 */
const CHECKED: [method: string, path: string, status: number][] = [
  ["GET", "/app/hook/deliveries", 200],
  ["GET", "/app/hook/deliveries/{delivery_id}", 200],
  ["POST", "/app/hook/deliveries/{delivery_id}/attempts", 202],
  ["POST", "/app/installations/{installation_id}/access_tokens", 201],
  ["GET", "/repos/{owner}/{repo}/installation", 200],
  ["GET", "/repos/{owner}/{repo}/issues", 200],
  ["POST", "/repos/{owner}/{repo}/issues", 201],
  ["GET", "/repos/{owner}/{repo}/issues/comments", 200],
  ["GET", "/repos/{owner}/{repo}/issues/{issue_number}", 200],
  ["PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", 200],
  ["GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", 200],
  ["POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", 201],
  ["GET", "/repos/{owner}/{repo}/issues/{issue_number}/parent", 200],
  ["GET", "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues", 200],
  ["POST", "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues", 201],
  ["GET", "/repos/{owner}/{repo}/issues/{issue_number}/timeline", 200],
  ["GET", "/repos/{owner}/{repo}/labels", 200],
  ["POST", "/repos/{owner}/{repo}/labels", 201],
];

function expectValid(method: string, path: string, status: number, data: unknown): void {
  const validate = validatorFor(method, path, status);
  const ok = validate(data);
  expect(ok ? [] : validate.errors).toEqual([]);
}

const DEPENDENCY_WEBHOOKS = [
  "blocked_by_added",
  "blocking_added",
  "blocked_by_removed",
  "blocking_removed",
];
const webhookValidators = new Map<string, ValidateFunction>();

/** A webhook payload's schema (`x-webhooks`, e.g. "issue-dependencies-blocked-by-added"). */
function webhookValidator(name: string): ValidateFunction {
  const schema = spec["x-webhooks"][name]?.post.requestBody.content["application/json"].schema;
  if (!schema) throw new Error(`no webhook schema ${name}`);
  // `organization` is listed as required, but GitHub sends it only for repositories an
  // organization owns; the double's owner is a user.
  const { required = [], ...rest } = toJsonSchema(schema) as { required?: string[] };
  return ajv.compile({ ...rest, required: required.filter((r) => r !== "organization") });
}

function expectValidWebhook(name: string, payload: unknown): void {
  const validate = webhookValidators.get(name);
  if (!validate) throw new Error(`webhook schema ${name} not compiled`);
  const ok = validate(payload);
  expect(ok ? [] : validate.errors).toEqual([]);
}

const repo = { owner: "acme", repo: "tasks" };
let double: GitHubDouble;
let app: TestOctokit;

beforeAll(async () => {
  for (const [method, path, status] of CHECKED) validatorFor(method, path, status);
  // Compiled before any request: the schemas are large, and a compile between two requests
  // outlasts the double's keep-alive (the next request then meets a closed socket).
  for (const action of DEPENDENCY_WEBHOOKS) {
    const name = `issue-dependencies-${action.replaceAll("_", "-")}`;
    webhookValidators.set(name, webhookValidator(name));
  }
  double = await startGitHubDouble({ repo: "acme/tasks", collaborators: ["bob"] });
  app = clientFor(double);
});

afterAll(async () => {
  await double.close();
});

describe("responses match @octokit/openapi", () => {
  it("the validator rejects a wrong shape", () => {
    const validate = validatorFor("GET", "/repos/{owner}/{repo}/issues/{issue_number}", 200);
    expect(validate({ id: 1, number: 1 })).toBe(false);
  });

  it("issues: create, get, list, update", async () => {
    const created = await app.rest.issues.create({
      ...repo,
      title: "schema",
      body: "b",
      labels: ["x:y"],
    });
    expectValid("POST", "/repos/{owner}/{repo}/issues", 201, created.data);
    const byPerson = await personFor(double, "bob").rest.issues.create({
      ...repo,
      title: "by bob",
    });
    expectValid("POST", "/repos/{owner}/{repo}/issues", 201, byPerson.data);
    const got = await app.rest.issues.get({ ...repo, issue_number: created.data.number });
    expectValid("GET", "/repos/{owner}/{repo}/issues/{issue_number}", 200, got.data);
    const updated = await app.rest.issues.update({
      ...repo,
      issue_number: created.data.number,
      state: "closed",
      labels: ["z"],
    });
    expectValid("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", 200, updated.data);
    const list = await app.rest.issues.listForRepo({ ...repo, state: "all" });
    expectValid("GET", "/repos/{owner}/{repo}/issues", 200, list.data);
  });

  it("comments: create, list", async () => {
    const { data: issue } = await app.rest.issues.create({ ...repo, title: "comments" });
    const created = await app.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: "hi",
    });
    expectValid("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", 201, created.data);
    const list = await app.rest.issues.listComments({ ...repo, issue_number: issue.number });
    expectValid("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", 200, list.data);
    const all = await app.rest.issues.listCommentsForRepo({ ...repo, since: issue.created_at });
    expectValid("GET", "/repos/{owner}/{repo}/issues/comments", 200, all.data);
    expect(all.data.map((c) => c.id)).toEqual([created.data.id]);
  });

  it("an issue's timeline: labels, renames, assignments, comments, close and reopen, with actors", async () => {
    const { data: issue } = await app.rest.issues.create({
      ...repo,
      title: "timeline",
      labels: ["priority:low"],
    });
    const bob = personFor(double, "bob");
    const at = { ...repo, issue_number: issue.number };
    await bob.rest.issues.update({ ...at, title: "timeline, renamed", assignees: ["bob"] });
    await bob.rest.issues.addLabels({ ...at, labels: ["priority:high"] });
    await bob.rest.issues.removeLabel({ ...at, name: "priority:low" });
    await bob.rest.issues.createComment({ ...at, body: "on it" });
    await app.rest.issues.update({ ...at, state: "closed", state_reason: "completed" });
    await bob.rest.issues.update({ ...at, state: "open" });
    const timeline = await app.rest.issues.listEventsForTimeline({ ...at, per_page: 100 });
    expectValid("GET", "/repos/{owner}/{repo}/issues/{issue_number}/timeline", 200, timeline.data);
    const seen = (timeline.data as { event?: string; actor?: { login: string } | null }[]).map(
      (e) => `${e.event} by ${e.actor?.login}`,
    );
    expect(seen).toEqual([
      "labeled by baton[bot]",
      "renamed by bob",
      "assigned by bob",
      "labeled by bob",
      "unlabeled by bob",
      "commented by bob",
      "closed by baton[bot]",
      "reopened by bob",
    ]);
  });

  it("labels: create, list", async () => {
    const created = await app.rest.issues.createLabel({
      ...repo,
      name: "schema:label",
      color: "abcdef",
      description: "d",
    });
    expectValid("POST", "/repos/{owner}/{repo}/labels", 201, created.data);
    const list = await app.rest.issues.listLabelsForRepo({ ...repo });
    expectValid("GET", "/repos/{owner}/{repo}/labels", 200, list.data);
  });

  it("sub-issues: add, list, parent", async () => {
    const { data: parent } = await app.rest.issues.create({ ...repo, title: "parent" });
    const { data: child } = await app.rest.issues.create({ ...repo, title: "child" });
    const added = await app.request("POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
      ...repo,
      issue_number: parent.number,
      sub_issue_id: child.id,
    });
    expectValid("POST", "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues", 201, added.data);
    const list = await app.request("GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues", {
      ...repo,
      issue_number: parent.number,
    });
    expectValid("GET", "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues", 200, list.data);
    const up = await app.request("GET /repos/{owner}/{repo}/issues/{issue_number}/parent", {
      ...repo,
      issue_number: child.number,
    });
    expectValid("GET", "/repos/{owner}/{repo}/issues/{issue_number}/parent", 200, up.data);
  });

  it("issue dependencies: add, list both sides, remove, and the webhooks", async () => {
    const sink = await startWebhookSink();
    try {
      double.setWebhookUrl(sink.url);
      const { data: blocked } = await app.rest.issues.create({ ...repo, title: "blocked" });
      const { data: blocker } = await app.rest.issues.create({ ...repo, title: "blocker" });
      const path = "/repos/{owner}/{repo}/issues/{issue_number}/dependencies";
      const added = await app.request(`POST ${path}/blocked_by`, {
        ...repo,
        issue_number: blocked.number,
        issue_id: blocker.id,
      });
      expectValid("POST", `${path}/blocked_by`, 201, added.data);
      const by = await app.request(`GET ${path}/blocked_by`, {
        ...repo,
        issue_number: blocked.number,
      });
      expectValid("GET", `${path}/blocked_by`, 200, by.data);
      const blocking = await app.request(`GET ${path}/blocking`, {
        ...repo,
        issue_number: blocker.number,
      });
      expectValid("GET", `${path}/blocking`, 200, blocking.data);
      const removed = await app.request(`DELETE ${path}/blocked_by/{issue_id}`, {
        ...repo,
        issue_number: blocked.number,
        issue_id: blocker.id,
      });
      expectValid("DELETE", `${path}/blocked_by/{issue_id}`, 200, removed.data);
      await double.waitForWebhooksIdle();
      const sent = double.webhookDeliveries.filter((d) => d.event === "issue_dependencies");
      expect(sent.map((d) => d.action)).toEqual(DEPENDENCY_WEBHOOKS);
      for (const delivery of sent)
        expectValidWebhook(
          `issue-dependencies-${delivery.action!.replaceAll("_", "-")}`,
          delivery.payload,
        );
    } finally {
      double.setWebhookUrl(undefined);
      await double.waitForWebhooksIdle();
      await sink.close();
    }
  });

  it("app: installation and access token", async () => {
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
    const jwt = clientFor(double, `${part({ alg: "RS256" })}.${part({ iss: 1 })}.c2ln`);
    expectValid(
      "GET",
      "/repos/{owner}/{repo}/installation",
      200,
      (await jwt.rest.apps.getRepoInstallation({ ...repo })).data,
    );
    expectValid(
      "POST",
      "/app/installations/{installation_id}/access_tokens",
      201,
      (await jwt.rest.apps.createInstallationAccessToken({ installation_id: 1 })).data,
    );
  });

  it("app: webhook deliveries, one delivery, redelivery", async () => {
    const sink = await startWebhookSink();
    try {
      double.setWebhookUrl(sink.url);
      await app.rest.issues.create({ ...repo, title: "delivered" });
      // Nothing listens on port 9: the delivery fails and is kept, as GitHub keeps it.
      double.setWebhookUrl("http://127.0.0.1:9/webhooks");
      await app.rest.issues.create({ ...repo, title: "missed" });
      await double.waitForWebhooksIdle();
      const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
      const jwt = clientFor(double, `${part({ alg: "RS256" })}.${part({ iss: 1 })}.c2ln`);
      const list = await jwt.rest.apps.listWebhookDeliveries({ per_page: 100 });
      expectValid("GET", "/app/hook/deliveries", 200, list.data);
      const failed = list.data.find((d) => d.status_code === 0);
      expect(failed).toBeDefined();
      const one = await jwt.rest.apps.getWebhookDelivery({ delivery_id: failed!.id });
      expectValid("GET", "/app/hook/deliveries/{delivery_id}", 200, one.data);
      double.setWebhookUrl(sink.url);
      const again = await jwt.rest.apps.redeliverWebhookDelivery({ delivery_id: failed!.id });
      expect(again.status).toBe(202);
      expectValid("POST", "/app/hook/deliveries/{delivery_id}/attempts", 202, again.data);
    } finally {
      double.setWebhookUrl(undefined);
      await double.waitForWebhooksIdle();
      await sink.close();
    }
  });
});
