import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelNames } from "../../test/support/assertions.js";
import { startStack, type Stack } from "../../test/support/stack.js";
import { errorLines, runAction, runnerEnv, type ActionRun } from "./support/run-action.js";

let stack: Stack;
let deployer: string;
let monitor: string;

beforeAll(async () => {
  stack = await startStack();
  [deployer, monitor] = await Promise.all([
    stack.createAgent("deployer"),
    stack.createAgent("monitor"),
  ]);
});
afterAll(async () => {
  await stack?.stop();
});

/** A step with `baton-url` + `agent-key`: the workflow is an agent of the server. */
const step = (key: string, inputs: Record<string, string>): Promise<ActionRun> =>
  runAction(
    runnerEnv(
      { "baton-url": stack.baton.url, "agent-key": key, ...inputs },
      {
        token: "ghs_unused",
        repository: "someone/app",
        apiUrl: "http://127.0.0.1:9/api/v3",
      },
    ),
  );

const ok = (run: ActionRun) => {
  expect(errorLines(run), run.stdout + run.stderr).toEqual([]);
  expect(run.code).toBe(0);
  return run;
};

describe("REST mode: the Action as an agent of the Baton server", () => {
  it("creates a task under the agent's identity", async () => {
    const run = ok(
      await step(deployer, {
        operation: "create",
        content: "Deploy api v2.4.0 to production",
        priority: "3",
        labels: "deploy",
        assignee: "deployer",
      }),
    );
    const id = Number(run.outputs["task-id"]);
    expect(run.outputs).toEqual({
      "task-id": String(id),
      "task-url": expect.stringMatching(new RegExp(`/acme/tasks/issues/${id}$`)),
      status: "open",
      "duplicate-of": "",
    });
    const task = await stack.api(deployer, "GET", `/v1/tasks/${id}`);
    expect(task.json).toMatchObject({
      created_by_agent_id: "deployer",
      assigned_to_agent_id: "deployer",
      priority: 3,
      labels: ["deploy"],
    });
    expect(labelNames(stack.double, id)).toEqual(["agent:deployer", "deploy", "priority:high"]);
    expect(run.summary).toContain(`[#${id} Deploy api v2.4.0 to production](`);
    expect(run.summary).toContain("Through the Baton API");
    // The key is registered as a secret first and printed nowhere else.
    const mentions = run.stdout.split("\n").filter((line) => line.includes(deployer));
    expect(mentions).toEqual([`::add-mask::${deployer}`]);
  });

  it("deploy completes its task with a note; the comment is the agent's", async () => {
    const created = await stack.api(deployer, "POST", "/v1/tasks", {
      content: "Roll out the cache fix",
    });
    const id = String(created.json.id);
    const run = ok(
      await step(deployer, {
        operation: "complete",
        "task-id": id,
        comment: "Deployed in run 4242.",
      }),
    );
    expect(run.outputs).toMatchObject({ "task-id": id, status: "completed" });
    const task = await stack.api(deployer, "GET", `/v1/tasks/${id}`);
    expect(task.json).toMatchObject({ completed: true, completed_by_agent_id: "deployer" });
    const comments = await stack.api(deployer, "GET", `/v1/tasks/${id}/comments`);
    expect(comments.json).toEqual([
      expect.objectContaining({
        content: "Deployed in run 4242.",
        author: "deployer",
        author_type: "agent",
      }),
    ]);

    const reopened = ok(await step(deployer, { operation: "reopen", "task-id": id }));
    expect(reopened.outputs.status).toBe("open");
    const updated = ok(
      await step(deployer, {
        operation: "update",
        "task-id": id,
        status: "blocked",
        priority: "low",
      }),
    );
    expect(updated.outputs.status).toBe("blocked");
    expect(labelNames(stack.double, Number(id))).toEqual(["priority:low", "status:blocked"]);
    const got = ok(await step(deployer, { operation: "get", "task-id": id }));
    expect(got.outputs).toMatchObject({ "task-id": id, status: "blocked" });
  });

  it("a nightly create that hits the server's dedup answers duplicate-of and creates nothing", async () => {
    const first = ok(
      await step(deployer, { operation: "create", content: "Nightly backup job failed on db-1" }),
    );
    const before = stack.double.state.issues.size;
    const again = ok(
      await step(deployer, { operation: "create", content: "nightly backup job FAILED on db-1" }),
    );
    expect(stack.double.state.issues.size).toBe(before);
    expect(again.outputs).toMatchObject({
      "task-id": first.outputs["task-id"],
      "duplicate-of": first.outputs["task-id"],
      "task-url": first.outputs["task-url"],
      status: "open",
    });
    expect(again.summary).toContain("duplicate found, nothing created");

    const forced = ok(
      await step(deployer, {
        operation: "create",
        content: "nightly backup job FAILED on db-1",
        "allow-duplicate": "true",
      }),
    );
    expect(forced.outputs["duplicate-of"]).toBe("");
    expect(stack.double.state.issues.size).toBe(before + 1);
  });

  it("delegates through the server: a sub-issue one level down, the parent delegated", async () => {
    const parent = ok(await step(deployer, { operation: "create", content: "Release 3.0" }));
    const parentId = Number(parent.outputs["task-id"]);
    const child = ok(
      await step(deployer, {
        operation: "delegate",
        "task-id": String(parentId),
        content: "Tag and publish the 3.0 images",
        assignee: "monitor",
      }),
    );
    const childId = Number(child.outputs["task-id"]);
    expect(childId).not.toBe(parentId);
    const task = await stack.api(deployer, "GET", `/v1/tasks/${childId}`);
    expect(task.json).toMatchObject({
      parent_task_id: parentId,
      root_task_id: parentId,
      delegation_depth: 1,
      created_by_agent_id: "deployer",
      assigned_to_agent_id: "monitor",
    });
    expect(stack.double.state.issues.get(childId)!.parent).toBe(parentId);
    const after = await stack.api(deployer, "GET", `/v1/tasks/${parentId}`);
    expect(after.json.status).toBe("delegated");
  });

  it("claims the best ready task, links its branch, and releases it with a hand-off", async () => {
    const make = async (content: string, priority: number) =>
      (
        await stack.api(monitor, "POST", "/v1/tasks", {
          content,
          priority,
          labels: ["ci-claims"],
        })
      ).json.id as number;
    await make("Prune the old build caches", 1);
    const urgent = await make("Fix the red main branch", 4);

    const claimed = ok(
      await step(deployer, { operation: "claim", labels: "ci-claims", "lease-seconds": "120" }),
    );
    expect(claimed.outputs).toMatchObject({
      "task-id": String(urgent),
      status: "in_progress",
      "claim-token": "1",
      "lease-expires-at": expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(claimed.summary).toContain("Claimed task");
    expect(claimed.summary).toContain("claim token 1");

    ok(
      await step(deployer, {
        operation: "link",
        "task-id": String(urgent),
        "link-kind": "branch",
        "link-ref": "ci/fix-main",
        "link-repo": "acme/app",
      }),
    );
    const links = await stack.api(monitor, "GET", `/v1/tasks/${urgent}/links`);
    expect(links.json).toMatchObject([
      { kind: "branch", repo: "acme/app", ref: "ci/fix-main", created_by_agent_id: "deployer" },
    ]);

    // A long job renews its lease and says what it is doing; a state change alone renews nothing.
    const renewed = ok(
      await step(deployer, {
        operation: "heartbeat",
        "task-id": String(urgent),
        "claim-token": "1",
        "lease-seconds": "600",
        "session-state": "working",
        detail: "bisecting the failing commit",
      }),
    );
    expect(renewed.outputs).toMatchObject({ "task-id": String(urgent), "claim-token": "1" });
    expect(Date.parse(renewed.outputs["lease-expires-at"]!)).toBeGreaterThan(
      Date.parse(claimed.outputs["lease-expires-at"]!),
    );
    ok(
      await step(deployer, {
        operation: "state",
        "task-id": String(urgent),
        "claim-token": "1",
        "session-state": "waiting_input",
        detail: "which revert do you want?",
      }),
    );
    expect((await stack.api(monitor, "GET", `/v1/tasks/${urgent}`)).json).toMatchObject({
      session_state: "waiting_input",
      session_state_detail: "which revert do you want?",
      lease_expires_at: renewed.outputs["lease-expires-at"],
    });

    // A release with a token from an older claim is refused: the lease may have been taken over.
    const stale = await step(deployer, {
      operation: "release",
      "task-id": String(urgent),
      "claim-token": "7",
    });
    expect(stale.code).toBe(1);
    expect(errorLines(stale)).toEqual([expect.stringMatching(/\[stale_claim_token\]$/)]);

    const released = ok(
      await step(deployer, {
        operation: "release",
        "task-id": String(urgent),
        "claim-token": "1",
        handoff: "Bisected to a3f9; revert is on ci/fix-main",
      }),
    );
    expect(released.outputs).toMatchObject({ "task-id": String(urgent), status: "open" });
    const task = await stack.api(monitor, "GET", `/v1/tasks/${urgent}`);
    expect(task.json).toMatchObject({
      claimed_by_agent_id: null,
      handoff_note: "Bisected to a3f9; revert is on ci/fix-main",
      handoff_by_agent_id: "deployer",
    });

    const none = ok(await step(deployer, { operation: "claim", labels: "no-such-work" }));
    expect(none.outputs).toEqual({
      "task-id": "",
      "task-url": "",
      status: "",
      "duplicate-of": "",
      "claim-token": "",
      "lease-expires-at": "",
    });
    expect(none.summary).toContain("nothing ready to claim");
  });

  it("the server's access rules apply: another worker's task is not found", async () => {
    // Assigned: open work nobody is assigned would be every worker's to read (issue #17).
    const created = await stack.api(monitor, "POST", "/v1/tasks", {
      content: "Private to monitor",
      assigned_to_agent_id: "monitor",
    });
    const run = await step(deployer, { operation: "complete", "task-id": String(created.json.id) });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([`::error::No task #${created.json.id} [task_not_found]`]);
    expect(stack.double.state.issues.get(created.json.id)!.state).toBe("open");
  });

  it("a wrong key fails the step with one line, and the key stays masked", async () => {
    const run = await step("bat_wrong_key_000000000000", { operation: "get", "task-id": "1" });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toHaveLength(1);
    expect(errorLines(run)[0]).toMatch(/^::error::.*\[unauthorized\]$/);
    expect(run.stdout).toContain("::add-mask::bat_wrong_key_000000000000");
  });
});
