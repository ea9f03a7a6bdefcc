// DESIGN §8: a write whose answer was lost is in doubt, not failed. The retry with the same
// Idempotency-Key finds what GitHub did (by the nonce in the issue or comment) before writing.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Fault } from "../support/github-double/index.js";
import { startStack, type ApiResponse, type Stack } from "../support/stack.js";

let stack: Stack;
let worker: string;

beforeAll(async () => {
  stack = await startStack({ env: { BATON_GITHUB_RETRY_BUDGET_S: "0" } });
  worker = await stack.createAgent("worker");
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => stack.double.clearFaults());

const ISSUES = "GET /repos/{owner}/{repo}/issues";
const COMMENTS = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments";
/** GitHub makes the write, then the answer is lost. */
const lostAnswer = (route: string, status = 502): Fault => ({
  route,
  kind: "status",
  status,
  when: "after",
});
/** The lookups that would find it fail too (each read is tried 3 times by Baton). */
const failingLookups = (route: string, times: number): Fault => ({
  method: "GET",
  route,
  kind: "status",
  status: 502,
  times,
});

const post = (path: string, body: unknown, key: string) =>
  stack.api(worker, "POST", path, body, { "idempotency-key": key });
const issuesTitled = (title: string) =>
  [...stack.double.state.issues.values()].filter((i) => i.title === title);
const commentsSaying = (text: string) =>
  [...stack.double.state.comments.values()].filter((c) => c.body.includes(text));
const codeOf = (res: ApiResponse) => res.json?.code as string | undefined;

describe("a lost answer with failing lookups", () => {
  it("create: 503 in doubt while it cannot be checked, then the one issue; never two", async () => {
    const title = `Lost create ${randomUUID()}`;
    const key = randomUUID();
    stack.double.injectFault(lostAnswer("POST /repos/{owner}/{repo}/issues"));
    stack.double.injectFault(failingLookups(ISSUES, 6));
    const first = await post("/v1/tasks", { content: title }, key);
    expect([first.status, codeOf(first)]).toEqual([503, "github_write_in_doubt"]);
    expect(first.headers.get("retry-after")).toBe("5");
    const second = await post("/v1/tasks", { content: title }, key);
    expect([second.status, codeOf(second)]).toEqual([503, "github_write_in_doubt"]);
    const third = await post("/v1/tasks", { content: title }, key);
    expect(third.status).toBe(201);
    expect(issuesTitled(title).map((i) => i.number)).toEqual([third.json.id]);
    // Answered now: a further retry replays the answer.
    const replay = await post("/v1/tasks", { content: title }, key);
    expect([replay.status, replay.json.id]).toEqual([201, third.json.id]);
  });

  it("create: two 504s in a row still make one issue", async () => {
    const title = `Twice lost ${randomUUID()}`;
    const key = randomUUID();
    stack.double.injectFault({ ...lostAnswer("POST /repos/{owner}/{repo}/issues", 504), times: 2 });
    stack.double.injectFault(failingLookups(ISSUES, 3));
    expect((await post("/v1/tasks", { content: title }, key)).status).toBe(503);
    const retry = await post("/v1/tasks", { content: title }, key);
    expect(retry.status).toBe(201);
    expect(issuesTitled(title)).toHaveLength(1);
  });

  it("create with dedup on: the retry gets its own task, never 409 duplicate_task for itself", async () => {
    const title = `Rotate the signing keys of the billing service ${randomUUID()}`;
    const key = randomUUID();
    stack.double.injectFault(lostAnswer("POST /repos/{owner}/{repo}/issues"));
    stack.double.injectFault(failingLookups(ISSUES, 3));
    expect((await post("/v1/tasks", { content: title }, key)).status).toBe(503);
    // The issue's webhook has put it in the dedup index meanwhile.
    await stack.double.waitForWebhooksIdle();
    const retry = await post("/v1/tasks", { content: title }, key);
    expect(retry.status).toBe(201);
    expect(issuesTitled(title).map((i) => i.number)).toEqual([retry.json.id]);
  });

  it("delegation: one child", async () => {
    const parent = await post("/v1/tasks", { content: `Parent ${randomUUID()}` }, randomUUID());
    expect(parent.status).toBe(201);
    const title = `Lost delegation ${randomUUID()}`;
    const key = randomUUID();
    stack.double.injectFault(lostAnswer("graphql:BatonCreateSubIssue"));
    stack.double.injectFault(failingLookups(ISSUES, 6));
    const body = { content: title, allow_duplicate: true };
    const path = `/v1/tasks/${parent.json.id}/delegate`;
    let res = await post(path, body, key);
    for (let i = 0; res.status === 503 && i < 3; i++) res = await post(path, body, key);
    expect(res.status).toBe(201);
    expect(issuesTitled(title).map((i) => [i.number, i.parent])).toEqual([
      [res.json.id, parent.json.id],
    ]);
    expect((await stack.api(worker, "GET", `/v1/tasks/${parent.json.id}`)).json.status).toBe(
      "delegated",
    );
  });

  it("comment: one comment, and the answer names it", async () => {
    const task = await post("/v1/tasks", { content: `Commented ${randomUUID()}` }, randomUUID());
    const text = `Lost comment ${randomUUID()}`;
    const key = randomUUID();
    stack.double.injectFault(
      lostAnswer("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", 504),
    );
    stack.double.injectFault(failingLookups(COMMENTS, 6));
    const path = `/v1/tasks/${task.json.id}/comments`;
    let res = await post(path, { content: text }, key);
    expect([res.status, codeOf(res)]).toEqual([503, "github_write_in_doubt"]);
    for (let i = 0; res.status === 503 && i < 3; i++)
      res = await post(path, { content: text }, key);
    expect(res.status).toBe(201);
    expect(commentsSaying(text).map((c) => c.id)).toEqual([res.json.id]);
    expect(res.json).toMatchObject({ content: text, author: "worker", task_id: task.json.id });
  });

  it("without a key a lost answer is still found at once when GitHub can be read", async () => {
    const title = `Found at once ${randomUUID()}`;
    stack.double.injectFault(lostAnswer("POST /repos/{owner}/{repo}/issues"));
    const res = await stack.api(worker, "POST", "/v1/tasks", { content: title });
    expect(res.status).toBe(201);
    expect(issuesTitled(title).map((i) => i.number)).toEqual([res.json.id]);
  });
});

describe("kill -9 while GitHub is writing", () => {
  it("the retry after restart returns the task the dead process created", async () => {
    const title = `Crash mid-create ${randomUUID()}`;
    const key = randomUUID();
    // GitHub creates the issue at once but answers only after a while: Baton dies meanwhile.
    stack.double.injectFault({
      route: "POST /repos/{owner}/{repo}/issues",
      kind: "latency",
      latencyMs: 5000,
    });
    const pending = post("/v1/tasks", { content: title }, key).catch(() => undefined);
    for (let i = 0; i < 100 && issuesTitled(title).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(issuesTitled(title)).toHaveLength(1);
    await stack.baton.kill();
    await pending;
    stack.double.clearFaults();
    await stack.restart();
    const retry = await post("/v1/tasks", { content: title }, key);
    expect(retry.status).toBe(201);
    expect(issuesTitled(title).map((i) => i.number)).toEqual([retry.json.id]);
  }, 60_000);
});
