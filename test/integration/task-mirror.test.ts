// The task mirror in process (issue #20): which reads reach GitHub, and how the mirror is filled,
// fed and shared between two Baton processes on one store.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChainService } from "../../src/services/chain-service.js";
import type { Caller } from "../../src/tasks/access.js";
import { TaskListQuerySchema } from "../../src/tasks/task-filters.js";
import { startGitHubDouble, type GitHubDouble } from "../support/github-double/index.ts";
import { inProcessServices, type InProcessServices } from "../support/in-process-services.ts";

let double: GitHubDouble;
let db: Database.Database;
let first: InProcessServices;
const lead: Caller = { id: "lead", role: "coordinator" };
const builder: Caller = { id: "builder", role: "worker" };
const openList = TaskListQuerySchema.parse({});

/** What a person does on github.com, with their own token. */
async function asPerson(method: string, path: string, body: unknown) {
  const res = await fetch(`${double.url}/api/v3/repos/acme/tasks${path}`, {
    method,
    headers: { authorization: "token user:alice", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
}

beforeAll(async () => {
  double = await startGitHubDouble({ repo: "acme/tasks", collaborators: ["alice"] });
  db = new Database(":memory:");
  first = inProcessServices(double, { mirror: true, db });
});

afterAll(async () => {
  db?.close();
  await double?.close();
});

describe("TaskMirror", () => {
  it("is filled from every issue once when the store is new, then answers reads alone", async () => {
    const before = await first.tasks.create(lead, { content: "Renew the TLS certificate" });
    expect(first.mirror!.ready()).toBe(false);
    first.recorded.clear();

    expect(await first.mirror!.rebuild()).toEqual({ issues: 1, full: true });
    expect(first.recorded.reads).toEqual(["/repos/{owner}/{repo}/issues"]);
    expect(first.recorded.sent).toEqual([]);
    expect(first.mirror!.ready()).toBe(true);

    first.recorded.clear();
    expect(await first.tasks.get(lead, before.id)).toMatchObject({ content: before.content });
    expect((await first.tasks.list(lead, openList)).map((t) => t.id)).toEqual([before.id]);
    expect((await first.tasks.stats(lead)).total_tasks).toBe(1);
    expect([...first.recorded.sent, ...first.recorded.reads]).toEqual([]);
  });

  it("shows an agent's own write at once, and the worker rules still apply", async () => {
    const task = await first.tasks.create(lead, {
      content: "Rotate the deploy keys",
      assigned_to_agent_id: "builder",
    });
    await first.tasks.update(builder, task.id, { priority: 4 });
    first.recorded.clear();
    expect(await first.tasks.get(builder, task.id)).toMatchObject({ priority: 4 });
    const other = await first.tasks.create(lead, {
      content: "Audit the IAM roles",
      assigned_to_agent_id: "lead",
    });
    // Open work nobody is assigned is every worker's to read (issue #17).
    const open = await first.tasks.create(lead, { content: "Rotate the backup encryption keys" });
    first.recorded.clear();
    await expect(first.tasks.get(builder, other.id)).rejects.toMatchObject({ status: 404 });
    expect(await first.tasks.get(builder, open.id)).toMatchObject({ id: open.id });
    const listed = (await first.tasks.list(builder, openList)).map((t) => t.id);
    expect(listed).toEqual(expect.arrayContaining([task.id, open.id]));
    expect(listed).not.toContain(other.id);
    expect([...first.recorded.sent, ...first.recorded.reads]).toEqual([]);
  });

  it("takes a person's change from GitHub's webhook, and a second process on the store sees it", async () => {
    const task = await first.tasks.create(lead, { content: "Patch the bastion host" });
    const second = inProcessServices(double, { mirror: true, db });
    expect(second.mirror!.ready()).toBe(true);
    expect(await second.tasks.get(lead, task.id)).toMatchObject({ priority: 2 });

    await asPerson("PUT", `/issues/${task.id}/labels`, { labels: ["priority:urgent"] });
    // What the webhook handler does with the issue it carries.
    await first.tasks.reindex((await first.gateway.getIssue(task.id))!);
    second.recorded.clear();
    expect(await second.tasks.get(lead, task.id)).toMatchObject({ priority: 4 });
    expect([...second.recorded.sent, ...second.recorded.reads]).toEqual([]);
  });

  it("drops a task that is deleted, for every process", async () => {
    const task = await first.tasks.create(lead, { content: "Retire the staging cluster" });
    const second = inProcessServices(double, { mirror: true, db });
    expect((await second.tasks.list(lead, openList)).map((t) => t.id)).toContain(task.id);
    await first.tasks.remove(lead, task.id);
    expect((await second.tasks.list(lead, openList)).map((t) => t.id)).not.toContain(task.id);
    expect(
      (await second.tasks.list(lead, TaskListQuerySchema.parse({ include_completed: true }))).map(
        (t) => t.id,
      ),
    ).not.toContain(task.id);
  });

  it("keeps a deleted task gone when a webhook from before the delete arrives late", async () => {
    const task = await first.tasks.create(lead, { content: "Archive the build logs" });
    await first.tasks.complete(lead, task.id);
    // The issue as GitHub's `issues.closed` webhook carries it, delivered after the delete.
    const closed = (await first.gateway.getIssue(task.id))!;
    await first.tasks.remove(lead, task.id);
    await first.tasks.reindex(closed);
    await expect(first.tasks.get(lead, task.id)).rejects.toMatchObject({ status: 404 });
    // A person reopening it on github.com later brings it back.
    await asPerson("PATCH", `/issues/${task.id}`, { state: "open" });
    await first.tasks.reindex((await first.gateway.getIssue(task.id))!);
    expect(await first.tasks.get(lead, task.id)).toMatchObject({ id: task.id, completed: false });
  });

  it("at a later start reads the open issues again and re-reads what closed meanwhile", async () => {
    const task = await first.tasks.create(lead, { content: "Drain the old queue workers" });
    // Closed on github.com while Baton was down: no webhook reached it.
    await asPerson("PATCH", `/issues/${task.id}`, { state: "closed", state_reason: "completed" });
    expect(await first.tasks.get(lead, task.id)).toMatchObject({ completed: false });

    const restarted = inProcessServices(double, { mirror: true, db });
    restarted.recorded.clear();
    const { full } = await restarted.mirror!.rebuild();
    expect(full).toBe(false);
    // The open issues (one page), then the one the mirror holds as open that GitHub did not list.
    expect(restarted.recorded.reads).toEqual([
      "/repos/{owner}/{repo}/issues",
      "/repos/{owner}/{repo}/issues/{issue_number}",
    ]);
    expect(await restarted.tasks.get(lead, task.id)).toMatchObject({
      completed: true,
      status: "completed",
    });
  });

  it("answers chains and children alone, as GitHub's sub-issue tree does", async () => {
    const { fromMirror, fromGitHub } = chainServices();
    // root (lead's) ─ mid (held by builder) ─ leaf (builder's), hidden (lead's), dropped (deleted)
    //      └ branch (deleted) ─ done (completed before its parent was deleted)
    const delegate = (caller: Caller, parent: number, content: string, assignee?: string) =>
      first.tasks.create(caller, {
        content,
        parent_task_id: parent,
        ...(assignee ? { assigned_to_agent_id: assignee } : {}),
      });
    // Assigned, so no worker reads them as open work (issue #17).
    const root = await first.tasks.create(lead, {
      content: "Move the mail relay to the new VPC",
      assigned_to_agent_id: "lead",
    });
    const mid = await delegate(lead, root.id, "Open the relay's ports in the new VPC", "builder");
    const leaf = await delegate(builder, mid.id, "Allow port 25 from the app subnet", "lead");
    const hidden = await delegate(lead, mid.id, "Allow port 587 from the office range", "lead");
    const dropped = await delegate(lead, mid.id, "Allow port 465 from everywhere");
    const branch = await delegate(lead, root.id, "Copy the relay's TLS certificate");
    const done = await delegate(lead, branch.id, "Export the certificate from the old host");
    await first.tasks.complete(lead, done.id);
    await first.tasks.remove(lead, branch.id);
    await first.tasks.remove(lead, dropped.id);
    // What GitHub's `sub_issues` webhooks bring: a link changes its parent's updated_at too.
    for (const id of [root.id, mid.id])
      await first.tasks.reindex((await first.gateway.getIssue(id))!);

    const asked: [Caller, number][] = [
      [builder, leaf.id],
      [builder, mid.id],
      [lead, root.id],
      [lead, done.id],
    ];
    for (const [caller, id] of asked) await expectSameAsGitHub(caller, id);
    const chain = await fromMirror.chain(builder, leaf.id);
    expect(chain.chain.map((t) => [t.id, t.redacted])).toEqual([
      [root.id, true],
      [mid.id, false],
      [leaf.id, false],
      [hidden.id, true],
    ]);
    expect(chain).toMatchObject({ depth: 2, total_count: 4, completed_count: 0 });
    expect((await fromMirror.children(lead, mid.id)).map((t) => t.id)).toEqual([
      leaf.id,
      hidden.id,
    ]);

    // A task the caller may not read: 404 from the mirror too, without asking GitHub.
    first.recorded.clear();
    await expect(fromMirror.chain(builder, root.id)).rejects.toMatchObject({ status: 404 });
    await expect(fromMirror.children(builder, hidden.id)).rejects.toMatchObject({ status: 404 });
    expect([...first.recorded.sent, ...first.recorded.reads]).toEqual([]);
    await expect(fromGitHub.chain(builder, root.id)).rejects.toMatchObject({ status: 404 });
  });

  it("follows a link a person removed on github.com, as the sub_issues webhook brings it", async () => {
    const { fromMirror } = chainServices();
    const root = await first.tasks.create(lead, { content: "Replace the office printer" });
    const child = await first.tasks.create(lead, {
      content: "Order the new printer",
      parent_task_id: root.id,
    });
    const grandchild = await first.tasks.create(lead, {
      content: "Get a quote for the printer",
      parent_task_id: child.id,
    });
    await expectSameAsGitHub(lead, grandchild.id);
    const { id: subIssueId } = (await first.gateway.getIssue(child.id))!;
    await asPerson("DELETE", `/issues/${root.id}/sub_issue`, { sub_issue_id: subIssueId });
    // The webhook's steps: the index takes both issues, then the chain service moves the child.
    for (const id of [root.id, child.id])
      await first.tasks.reindex((await first.gateway.getIssue(id))!);
    await fromMirror.linkChanged({ added: false, parent: root.id, child: child.id });

    expect((await fromMirror.chain(lead, grandchild.id)).chain.map((t) => t.id)).toEqual([
      child.id,
      grandchild.id,
    ]);
    for (const id of [root.id, child.id, grandchild.id]) await expectSameAsGitHub(lead, id);
  });
});

/** The chain service reading the mirror, and one reading GitHub, over the same services. */
function chainServices() {
  const events = { chainCompleted: () => undefined };
  return {
    fromMirror: new ChainService({ ...first, events }),
    fromGitHub: new ChainService({ ...first, mirror: undefined, events }),
  };
}

/** Chain and children from the mirror: no GitHub request, and what GitHub's tree answers. */
async function expectSameAsGitHub(caller: Caller, id: number) {
  const { fromMirror, fromGitHub } = chainServices();
  first.recorded.clear();
  const chain = await fromMirror.chain(caller, id);
  const children = await fromMirror.children(caller, id);
  expect([...first.recorded.sent, ...first.recorded.reads]).toEqual([]);
  expect(chain).toEqual(await fromGitHub.chain(caller, id));
  expect(children).toEqual(await fromGitHub.children(caller, id));
}
