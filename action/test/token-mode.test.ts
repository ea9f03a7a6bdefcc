import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelNames } from "../../test/support/assertions.js";
import { startGitHubDouble, type GitHubDouble } from "../../test/support/github-double/index.js";
import { decodeComment } from "../../src/tasks/comment-codec.js";
import { decodeIssue } from "../../src/tasks/issue-codec.js";
import { errorLines, runAction, runnerEnv, type ActionRun } from "./support/run-action.js";

let double: GitHubDouble;

beforeAll(async () => {
  double = await startGitHubDouble({ repo: "acme/tasks" });
});
afterAll(async () => {
  await double?.close();
});

const step = (inputs: Record<string, string>): Promise<ActionRun> =>
  runAction(
    runnerEnv(inputs, {
      token: "ghs_test",
      repository: "acme/tasks",
      apiUrl: `${double.url}/api/v3`,
    }),
  );

const issue = (n: number) => {
  const record = double.state.issues.get(n);
  if (!record) throw new Error(`no issue #${n}`);
  return record;
};

const decoded = (n: number) => {
  const record = issue(n);
  return decodeIssue({
    ...record,
    state_reason: record.stateReason,
    labels: labelNames(double, n).map((name) => ({ name })),
  });
};

const ok = (run: ActionRun) => {
  expect(errorLines(run), run.stdout + run.stderr).toEqual([]);
  expect(run.code).toBe(0);
  return run;
};

describe("token mode: the task issues, written with the workflow's token", () => {
  it("creates a correctly labelled task the server can read back", async () => {
    const run = ok(
      await step({
        operation: "create",
        content: "Nightly link check failed on docs",
        description: "3 broken links; see @alice's run #12.",
        priority: "high",
        labels: "docs, ci",
      }),
    );
    const id = Number(run.outputs["task-id"]);
    expect(run.outputs).toEqual({
      "task-id": String(id),
      "task-url": expect.stringMatching(new RegExp(`/acme/tasks/issues/${id}$`)),
      status: "open",
      "duplicate-of": "",
    });
    expect(labelNames(double, id)).toEqual(["ci", "docs", "priority:high"]);
    // Baton's labels get their fixed colours: GitHub never auto-creates grey ones.
    expect(double.state.autoCreatedLabels).toEqual([]);
    const colours = new Map([...double.state.labels.values()].map((l) => [l.name, l.color]));
    expect(colours.get("priority:high")).toBe("f9a03f");
    expect(issue(id).body).toContain("> Baton task · created by **github-actions**");
    expect(decoded(id)).toMatchObject({
      content: "Nightly link check failed on docs",
      description: "3 broken links; see @alice's run #12.",
      priority: 3,
      labels: ["ci", "docs"],
      meta: { created_by: "github-actions", depth: 0 },
    });
    expect(run.summary).toContain(`[#${id} Nightly link check failed on docs](`);
    expect(run.summary).toContain("Created task");
    // The token is masked before anything is logged.
    expect(run.stdout).toContain("::add-mask::ghs_test");
  });

  it("a nightly re-run finds the open task instead of creating a duplicate", async () => {
    const first = ok(await step({ operation: "create", content: "Nightly build is red" }));
    const before = double.state.issues.size;
    const again = ok(await step({ operation: "create", content: "nightly build is RED!" }));
    expect(double.state.issues.size).toBe(before);
    expect(again.outputs).toMatchObject({
      "duplicate-of": first.outputs["task-id"],
      "task-id": first.outputs["task-id"],
      status: "open",
    });
    expect(again.stdout).toContain("::notice::Open duplicate found");
    expect(again.summary).toContain("duplicate found, nothing created");

    // Once it is closed, the next failure opens a new task.
    ok(await step({ operation: "complete", "task-id": first.outputs["task-id"]! }));
    const third = ok(await step({ operation: "create", content: "Nightly build is red" }));
    expect(third.outputs["duplicate-of"]).toBe("");
    expect(third.outputs["task-id"]).not.toBe(first.outputs["task-id"]);

    const forced = ok(
      await step({
        operation: "create",
        content: "Nightly build is red",
        "allow-duplicate": "true",
      }),
    );
    expect(forced.outputs["duplicate-of"]).toBe("");
    expect(Number(forced.outputs["task-id"])).toBeGreaterThan(Number(third.outputs["task-id"]));
  });

  it("comments as the workflow's identity, with the agents' header and marker", async () => {
    const created = ok(await step({ operation: "create", content: "Deploy v1.2.3" }));
    const id = created.outputs["task-id"]!;
    const run = ok(
      await step({
        operation: "comment",
        "task-id": id,
        comment: "Deploy failed: see the run. Fixes #1?",
        "agent-id": "deploy-bot",
      }),
    );
    expect(run.outputs).toMatchObject({ "task-id": id, status: "open" });
    const comments = [...double.state.comments.values()].filter(
      (c) => c.issueNumber === Number(id),
    );
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/^> Baton agent \*\*deploy-bot\*\* commented\n\n/);
    expect(decodeComment({ body: comments[0]!.body, user: null, fromApp: true })).toEqual({
      author: "deploy-bot",
      author_type: "agent",
      content: "Deploy failed: see the run. Fixes #1?",
    });
    expect(run.summary).toContain("[Comment](");
  });

  it("deploy completes its task (with a note), then reopen and update it", async () => {
    const created = ok(await step({ operation: "create", content: "Ship the search page" }));
    const id = created.outputs["task-id"]!;
    const done = ok(
      await step({ operation: "complete", "task-id": `#${id}`, comment: "Deployed in run 4242." }),
    );
    expect(done.outputs).toMatchObject({ "task-id": id, status: "completed" });
    expect(issue(Number(id))).toMatchObject({ state: "closed", stateReason: "completed" });
    expect(decoded(Number(id)).meta.completed_by).toBe("github-actions");

    const reopened = ok(await step({ operation: "reopen", "task-id": id }));
    expect(reopened.outputs.status).toBe("open");
    expect(issue(Number(id)).state).toBe("open");
    expect(decoded(Number(id)).meta.completed_by).toBeNull();

    const updated = ok(
      await step({
        operation: "update",
        "task-id": id,
        priority: "4",
        status: "in_progress",
        assignee: "infra",
      }),
    );
    expect(updated.outputs.status).toBe("in_progress");
    expect(labelNames(double, Number(id))).toEqual([
      "agent:infra",
      "priority:urgent",
      "status:in-progress",
    ]);
    expect(issue(Number(id)).body).toContain("held by **infra**");
  });

  it("update with status completed closes the task; status open reopens it", async () => {
    const created = ok(await step({ operation: "create", content: "Rotate the deploy keys" }));
    const id = created.outputs["task-id"]!;
    const closed = ok(await step({ operation: "update", "task-id": id, status: "completed" }));
    expect(closed.outputs.status).toBe("completed");
    expect(issue(Number(id))).toMatchObject({ state: "closed", stateReason: "completed" });
    const open = ok(await step({ operation: "update", "task-id": id, status: "open" }));
    expect(open.outputs.status).toBe("open");
    expect(issue(Number(id)).state).toBe("open");
  });

  it("delegates: the child is a sub-issue one level deeper, the parent is marked delegated", async () => {
    const parent = ok(await step({ operation: "create", content: "Release 2.0" }));
    const parentId = Number(parent.outputs["task-id"]);
    const child = ok(
      await step({
        operation: "delegate",
        "task-id": String(parentId),
        content: "Write the 2.0 changelog",
        assignee: "docs",
      }),
    );
    const childId = Number(child.outputs["task-id"]);
    expect(childId).not.toBe(parentId);
    expect(issue(childId).parent).toBe(parentId);
    expect(issue(parentId).subIssues).toEqual([childId]);
    expect(labelNames(double, childId)).toEqual(["agent:docs", "depth:1", "priority:medium"]);
    expect(decoded(childId).meta).toMatchObject({ parent: parentId, root: parentId, depth: 1 });
    expect(issue(childId).body).toContain(`delegated from #${parentId}`);
    expect(labelNames(double, parentId)).toContain("status:delegated");
    expect(child.summary).toContain("Delegated task");
  });

  it("a delegated sub-step is not refused for its own chain; another open task still refuses it", async () => {
    const parent = ok(
      await step({ operation: "create", content: "Fix the checkout crash on Safari 18" }),
    );
    const parentId = parent.outputs["task-id"]!;
    // The same words as its parent: as a new root task this would be the parent's duplicate.
    const child = ok(
      await step({
        operation: "delegate",
        "task-id": parentId,
        content: "Fix the Safari 18 checkout crash",
      }),
    );
    expect(child.outputs["duplicate-of"]).toBe("");
    expect(issue(Number(parentId)).subIssues).toEqual([Number(child.outputs["task-id"])]);

    const other = ok(
      await step({ operation: "create", content: "Rotate the Grafana admin password" }),
    );
    const before = double.state.issues.size;
    const refused = ok(
      await step({
        operation: "delegate",
        "task-id": parentId,
        content: "Rotate the Grafana admin password",
      }),
    );
    expect(refused.outputs).toMatchObject({
      "task-id": other.outputs["task-id"],
      "duplicate-of": other.outputs["task-id"],
    });
    expect(refused.stdout).toContain("::notice::Open duplicate found");
    expect(double.state.issues.size).toBe(before);
    const forced = ok(
      await step({
        operation: "delegate",
        "task-id": parentId,
        content: "Rotate the Grafana admin password",
        "allow-duplicate": "true",
      }),
    );
    expect(forced.outputs["duplicate-of"]).toBe("");
    expect(double.state.issues.size).toBe(before + 1);
  });

  it("a possible duplicate is created, and its issue names the open task for people", async () => {
    const first = ok(
      await step({
        operation: "create",
        content: "Renew TLS cert for billing.example.com",
        description: "Expires in 7 days.",
      }),
    );
    const id = first.outputs["task-id"]!;
    const similar = ok(
      await step({ operation: "create", content: "Renew the certificate for billing.example.com" }),
    );
    const created = Number(similar.outputs["task-id"]);
    expect(similar.outputs["duplicate-of"]).toBe("");
    expect(String(created)).not.toBe(id);
    expect(decoded(created).meta.possible_duplicates).toEqual([Number(id)]);
    expect(issue(created).body).toContain(`possibly the same work as #${id}`);
  });

  it("a completed parent cannot be delegated from: one line, nothing created", async () => {
    const parent = ok(await step({ operation: "create", content: "Migrate the wiki" }));
    const id = parent.outputs["task-id"]!;
    ok(await step({ operation: "complete", "task-id": id }));
    const before = double.state.issues.size;
    const run = await step({ operation: "delegate", "task-id": id, content: "Export pages" });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([
      `::error::Task #${id} is completed; reopen it before delegating from it [task_completed]`,
    ]);
    expect(double.state.issues.size).toBe(before);
  });

  it("links a pull request to a task: one body write, the server's list on the issue", async () => {
    const created = ok(await step({ operation: "create", content: "Upgrade the runners" }));
    const id = created.outputs["task-id"]!;
    const before = double.requests.length;
    const linkStep = {
      operation: "link",
      "task-id": id,
      "link-kind": "pr",
      "link-ref": "#88",
      "link-repo": "acme/ci",
    };
    const linked = ok(await step(linkStep));
    expect(linked.outputs).toMatchObject({ "task-id": id, status: "open" });
    expect(linked.summary).toContain("Linked task");
    const writes = double.requests.slice(before).filter((r) => r.method !== "GET");
    expect(writes.map((r) => r.route)).toEqual([
      "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
    ]);
    expect(issue(Number(id)).body).toContain(
      "<!-- baton:links -->\n**Links**\n\n- pull request `#88` in `acme/ci`",
    );
    expect(decoded(Number(id)).meta.links).toMatchObject([
      { kind: "pr", repo: "acme/ci", ref: "88", by: "github-actions" },
    ]);
    // The same link again: nothing written.
    const again = double.requests.length;
    ok(await step(linkStep));
    expect(double.requests.slice(again).filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("block and unblock: GitHub's own 'blocked by', a circle refused with one line", async () => {
    const id = async (content: string) =>
      Number(ok(await step({ operation: "create", content })).outputs["task-id"]);
    // Unrelated titles: token mode's duplicate check would answer a similar one with the first.
    const [schema, migration, rollout] = [
      await id("Design the audit log schema"),
      await id("Backfill invoices from March"),
      await id("Announce the new pricing page"),
    ];
    const block = (task: number, on: number) =>
      step({ operation: "block", "task-id": String(task), "blocked-by": `#${on}` });
    const blocked = ok(await block(migration, schema));
    expect(blocked.outputs).toMatchObject({ "task-id": String(migration), status: "open" });
    expect(blocked.summary).toContain("Blocked task");
    ok(await block(migration, schema));
    ok(await block(rollout, migration));
    expect(double.state.dependencyLinks()).toEqual(
      expect.arrayContaining([
        { blocked: migration, blocker: schema },
        { blocked: rollout, blocker: migration },
      ]),
    );
    expect(issue(migration).blockedBy).toEqual([schema]);

    const circle = await block(schema, rollout);
    expect(circle.code).toBe(1);
    expect(errorLines(circle)).toEqual([
      `::error::Task #${rollout} already waits for #${schema} (#${schema} → #${rollout} → #${migration} → #${schema}): the two would wait for each other forever [dependency_cycle]`,
    ]);
    expect(issue(schema).blockedBy).toEqual([]);

    ok(
      await step({
        operation: "unblock",
        "task-id": String(migration),
        "blocked-by": String(schema),
      }),
    );
    expect(issue(migration).blockedBy).toEqual([]);
    const again = await step({
      operation: "unblock",
      "task-id": String(migration),
      "blocked-by": String(schema),
    });
    expect(errorLines(again)).toEqual([
      `::error::Task #${migration} does not wait for #${schema} [dependency_not_found]`,
    ]);
    const missing = await step({ operation: "block", "task-id": String(migration) });
    expect(errorLines(missing)[0]).toContain('Input "blocked-by" is required');
  });

  it("get reports a task's status; an unknown task fails with one line", async () => {
    const created = ok(await step({ operation: "create", content: "Check the backups" }));
    const got = ok(await step({ operation: "get", "task-id": created.outputs["task-id"]! }));
    expect(got.outputs).toMatchObject({
      "task-id": created.outputs["task-id"],
      status: "open",
    });
    const missing = await step({ operation: "get", "task-id": "9999" });
    expect(missing.code).toBe(1);
    expect(errorLines(missing)).toEqual(["::error::No task #9999 [task_not_found]"]);
  });

  it("completing an unknown task with a note fails before the note is written", async () => {
    const requests = double.requests.length;
    const missing = await step({ operation: "complete", "task-id": "9999", comment: "Done." });
    expect(missing.code).toBe(1);
    expect(errorLines(missing)).toEqual(["::error::No task #9999 [task_not_found]"]);
    expect(double.requests.slice(requests).map((request) => request.method)).toEqual(["GET"]);
  });
});

describe("bad inputs fail the step with one clear line, before any GitHub call", () => {
  it.each([
    [
      { operation: "finish", "task-id": "1" },
      'Input "operation" must be one of create, update, complete, reopen, comment, delegate, get, claim, heartbeat, state, release, link, block, unblock (got "finish")',
    ],
    [{ operation: "complete" }, 'Input "task-id" is required for operation "complete"'],
    [
      { operation: "complete", "task-id": "abc" },
      'Input "task-id" must be a task number such as 42 (got "abc")',
    ],
    [
      { operation: "create", content: "x", priority: "9" },
      'Input "priority" must be 1–4 or low, medium, high, urgent (got "9")',
    ],
    [
      { operation: "create" },
      'Input "content" is required for operation "create" (the task\'s title)',
    ],
    [
      { operation: "comment", "task-id": "3" },
      'Input "comment" is required for operation "comment"',
    ],
    [
      { operation: "create", content: "x", labels: "ok, has space" },
      'Input "labels" labels are 1–50 letters, digits, . _ / + -, no spaces, colons or commas (got "ok, has space")',
    ],
    [
      { operation: "get", "task-id": "1", "agent-key": "bat_x" },
      'Input "baton-url" is required when "agent-key" is set',
    ],
    [
      {
        operation: "get",
        "task-id": "1",
        "baton-url": "http://baton.internal:3000",
        "agent-key": "bat_x",
      },
      'Input "baton-url" must use https:// (plain http:// only to localhost): the agent key would travel unencrypted',
    ],
    [
      { operation: "claim", labels: "infra" },
      `Operation "claim" needs REST mode (baton-url and agent-key): claims and their leases live in the Baton server's store`,
    ],
    [
      { operation: "link", "task-id": "3", "link-kind": "pr", "link-ref": "twelve" },
      'Input "link-ref" must be a pull request number, e.g. 12',
    ],
  ])("%o", async (inputs, message) => {
    const before = double.requests.length;
    const run = await step(inputs);
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([`::error::${message}`]);
    expect(run.stderr).toBe("");
    expect(double.requests.length).toBe(before);
    expect(run.outputs).toEqual({});
  });
});
