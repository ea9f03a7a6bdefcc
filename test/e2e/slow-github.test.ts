import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writesSince } from "../support/assertions.js";
import { startStack, type Stack } from "../support/stack.js";

// One slow GitHub answer holds up nobody else, and its own client gets 503 + Retry-After at the
// deadline; a write that would wait too long for its turn is refused at once, unwritten (#15).
describe("a slow GitHub", () => {
  let stack: Stack;
  let slowAgent: string;
  let otherAgent: string;

  beforeAll(async () => {
    stack = await startStack({ env: { BATON_GITHUB_TIMEOUT_S: "3" } });
    [slowAgent, otherAgent] = await Promise.all([
      stack.createAgent("slow"),
      stack.createAgent("other"),
    ]);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function createAsAClient(agent: string, content: string, key: string) {
    for (let attempt = 1; ; attempt++) {
      const answer = await stack.api(
        agent,
        "POST",
        "/v1/tasks",
        { content },
        { "idempotency-key": key },
      );
      if (answer.status !== 503 || attempt === 3) return answer;
    }
  }

  it("answers slow writes at their deadline while another agent's create and comment go through", async () => {
    // The targets are set up before any fault, but a loaded machine can still take 3 s over a
    // cold first create: retry as a client would, with the same key (found again, never doubled).
    const target = await createAsAClient(otherAgent, "Comment target", "setup-comment-target");
    const edited = await createAsAClient(slowAgent, "Edit target", "setup-edit-target");
    expect([target.status, edited.status]).toEqual([201, 201]);
    // The next issue create and the next issue edit take 6 s on GitHub's side; the deadline is 3 s.
    for (const route of [
      "POST /repos/{owner}/{repo}/issues",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
    ])
      stack.double.injectFault({ route, kind: "latency", latencyMs: 6000 });
    const finished: string[] = [];
    const track = <T>(name: string, call: Promise<T>) => call.finally(() => finished.push(name));
    const slowCreate = track(
      "slow create",
      stack.api(slowAgent, "POST", "/v1/tasks", { content: "Stuck on a slow GitHub" }),
    );
    const slowEdit = track(
      "slow edit",
      stack.api(slowAgent, "PATCH", `/v1/tasks/${edited.json.id}`, { priority: 4 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [create, comment] = await Promise.all([
      track(
        "create",
        stack.api(otherAgent, "POST", "/v1/tasks", { content: "Quick task from another agent" }),
      ),
      track(
        "comment",
        stack.api(otherAgent, "POST", `/v1/tasks/${target.json.id}/comments`, {
          content: "Still here",
        }),
      ),
    ]);
    expect(create.status).toBe(201);
    expect(comment.status).toBe(201);
    const [createAnswer, editAnswer] = await Promise.all([slowCreate, slowEdit]);
    expect(finished.slice(0, 2).sort()).toEqual(["comment", "create"]);

    // The edit's answer was lost at the deadline: 503 + Retry-After.
    expect(editAnswer.status).toBe(503);
    expect(editAnswer.json).toMatchObject({ code: "github_unavailable", status: 503 });
    expect(editAnswer.headers.get("retry-after")).toMatch(/^\d+$/);
    // The create's too; GitHub did create it, so it is either found again (once) or a 503.
    const stuck = [...stack.double.state.issues.values()].filter(
      (issue) => issue.title === "Stuck on a slow GitHub",
    );
    if (createAnswer.status === 201) expect(createAnswer.json.id).toBe(stuck[0]!.number);
    else expect(createAnswer.json).toMatchObject({ code: "github_unavailable", status: 503 });
    expect(stuck.length).toBeLessThanOrEqual(1);
  });

  it("one deadline for the whole request: a lookup after a lost answer does not add its own", async () => {
    stack.double.clearFaults();
    // The create takes 6 s on GitHub's side and the nonce lookup (listing issues) 1.5 s: with a
    // deadline per call the answer would come after both (201 at ~4.5 s); with one per request the
    // lookup gets what the write left, and the answer is the timeout at the deadline.
    stack.double.injectFault({
      route: "POST /repos/{owner}/{repo}/issues",
      kind: "latency",
      latencyMs: 6000,
    });
    stack.double.injectFault({
      method: "GET",
      route: "GET /repos/{owner}/{repo}/issues",
      kind: "latency",
      latencyMs: 1500,
      times: 10,
    });
    const key = { "idempotency-key": "slow-create-and-lookup" };
    const body = { content: "Slow create, slow lookup" };
    const first = await stack.api(slowAgent, "POST", "/v1/tasks", body, key);
    expect(first.status).toBe(503);
    expect(first.json).toMatchObject({ code: "github_unavailable", status: 503 });
    expect(first.headers.get("retry-after")).toMatch(/^\d+$/);

    // GitHub made it: the write stays in doubt, and the keyed retry finds that one issue.
    stack.double.clearFaults();
    const retry = await stack.api(slowAgent, "POST", "/v1/tasks", body, key);
    const made = [...stack.double.state.issues.values()].filter(
      (issue) => issue.title === body.content,
    );
    expect(made).toHaveLength(1);
    expect(retry.status).toBe(201);
    expect(retry.json.id).toBe(made[0]!.number);
  });
});

describe("a full write queue", () => {
  let stack: Stack;
  let agent: string;

  beforeAll(async () => {
    // One write per minute and no waiting: the start-up label write takes the only slot.
    stack = await startStack({
      env: { BATON_WRITE_SPACING_MS: "60000", BATON_WRITE_QUEUE_WAIT_S: "0" },
    });
    agent = await stack.createAgent("queued");
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("answers 503 + Retry-After at once and writes nothing", async () => {
    const from = stack.double.requests.length;
    const res = await stack.api(agent, "POST", "/v1/tasks", { content: "No room in the queue" });
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ code: "github_busy", status: 503 });
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(writesSince(stack.double, from)).toEqual([]);
    expect(stack.double.state.issues.size).toBe(0);
  });
});
