// Dependencies in process, against the GitHub double: the exact requests each operation sends,
// the pairs read back when GitHub's totals drift, and task.unblocked once per unblocking.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type Database from "better-sqlite3";
import type { Cause } from "../../src/events/trust.js";
import type { UnblockReason } from "../../src/tasks/dependency-rules.js";
import { DependencyService } from "../../src/dependencies/dependency-service.js";
import { UnblockTracker } from "../../src/dependencies/unblock-tracker.js";
import { UnblockingIndex } from "../../src/dependencies/unblocking-index.js";
import { isBatonError } from "../../src/errors.js";
import { DependencyGateway } from "../../src/github/dependency-gateway.js";
import type { TaskService } from "../../src/services/task-service.js";
import { SqliteDependencyStore } from "../../src/store/dependency-store.js";
import { SqliteTaskIndex } from "../../src/store/task-index-store.js";
import type { Caller } from "../../src/tasks/access.js";
import type { GitHubIssue } from "../../src/tasks/github-issue.js";
import { startGitHubDouble, type GitHubDouble } from "../support/github-double/index.ts";
import type { RecordedRequests } from "../support/github-double/recorded-requests.ts";
import { personFor } from "../support/github-double/test-client.ts";
import { inProcessServices, type InProcessServices } from "../support/in-process-services.ts";

let double: GitHubDouble;
let db: Database.Database;
let tasks: TaskService;
let recorded: RecordedRequests;
let dependencies: DependencyService;
let index: UnblockingIndex;
let gateway: InProcessServices["gateway"];
const unblocked: { id: number; reason: UnblockReason; cause: Cause }[] = [];
const lead: Caller = { id: "lead", role: "coordinator" };
const repo = { owner: "acme", repo: "tasks" };

beforeAll(async () => {
  double = await startGitHubDouble({ repo: "acme/tasks", collaborators: ["alice"] });
  const late: { service?: DependencyService } = {};
  let store!: SqliteDependencyStore;
  let tracker!: UnblockTracker;
  const services = inProcessServices(double, {}, (database) => {
    store = new SqliteDependencyStore(database);
    tracker = new UnblockTracker(store, {
      unblocked: (id, reason, cause) => unblocked.push({ id, reason, cause }),
    });
    index = new UnblockingIndex(new SqliteTaskIndex(database), store, tracker);
    return {
      claims: { index },
      dependencies: {
        fields: (id) => late.service!.fields(id),
        reconcile: (issue) => late.service!.reconcile(issue),
      },
    };
  });
  ({ db, tasks, recorded, gateway } = services);
  dependencies = late.service = new DependencyService({
    ...repo,
    tasks,
    issues: services.gateway,
    github: new DependencyGateway({
      ...repo,
      octokit: async () => services.octokit,
      issues: services.gateway,
    }),
    store,
    index,
    tracker,
    journal: services.journal,
  });
});

afterAll(async () => {
  db?.close();
  await double?.close();
});

beforeEach(() => {
  recorded.clear();
  unblocked.length = 0;
});

let nonce = 0;
const create = async (content: string) =>
  (await tasks.create(lead, { content }, { intent: { nonce: `n${nonce++}`, inDoubtSince: null } }))
    .id;
const BLOCKED_BY = "/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by";
/** The issue as GitHub has it now (a person's read: Baton's caches are not involved). */
const issueOf = async (number: number) =>
  (await personFor(double, "alice").rest.issues.get({ ...repo, issue_number: number }))
    .data as unknown as GitHubIssue;
/** Polls until `ready`; throws if it is not within `timeoutMs`. */
const until = async (ready: () => Promise<boolean>, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`until: not ready after ${timeoutMs} ms`);
    await sleep(5);
  }
};
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => "no refusal",
    (error: unknown) => (isBatonError(error) ? `${error.status} ${error.code}` : String(error)),
  );

describe("DependencyService", () => {
  it("add is one POST naming the blocker by its id; remove one DELETE", async () => {
    const deploy = await create("Deploy the API");
    const build = await create("Build the API image");
    recorded.clear();
    const task = await dependencies.add(lead, deploy, build);
    expect(task).toMatchObject({ id: deploy, blocked_by: [build], blocking: [] });
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "issue_id": 1000002,
            "issue_number": 1,
          },
          "request": "POST /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by",
        },
      ]
    `);
    expect((await tasks.get(lead, build)).blocking).toEqual([deploy]);

    recorded.clear();
    const after = await dependencies.remove(lead, deploy, build);
    expect(after.blocked_by).toEqual([]);
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "issue_id": 1000002,
            "issue_number": 1,
          },
          "request": "DELETE /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by/{issue_id}",
        },
      ]
    `);
    // The blocker was open: the task is ready again, said once, naming who did it.
    expect(unblocked).toEqual([
      { id: deploy, reason: "dependency_removed", cause: { agentId: "lead" } },
    ]);
  });

  it("refuses itself, a circle and a blocker that is no task before sending anything", async () => {
    const a = await create("Design the schema");
    const b = await create("Write the migration");
    const c = await create("Run the migration");
    await dependencies.add(lead, b, a);
    await dependencies.add(lead, c, b);
    recorded.clear();
    expect(await refusal(dependencies.add(lead, a, a))).toBe("422 dependency_on_self");
    const cycle = await dependencies.add(lead, a, c).catch((e: unknown) => e);
    expect(isBatonError(cycle) && [cycle.code, cycle.details]).toEqual([
      "dependency_cycle",
      { field: "blocked_by", cycle: [a, c, b, a] },
    ]);
    const { data: stranger } = await personFor(double, "eve").rest.issues.create({
      ...repo,
      title: "Not a task",
    });
    expect(await refusal(dependencies.add(lead, a, stranger.number))).toBe("422 unknown_blocker");
    expect(await refusal(dependencies.remove(lead, a, b))).toBe("404 dependency_not_found");
    expect(recorded.sent).toEqual([]);
  });

  it("a closing blocker unblocks the tasks waiting for nothing else, once", async () => {
    const release = await create("Cut the release");
    const docs = await create("Write the release notes");
    const tests = await create("Fix the flaky tests");
    await dependencies.add(lead, release, docs);
    await dependencies.add(lead, release, tests);
    await tasks.complete(lead, docs);
    expect(unblocked).toEqual([]);
    await tasks.complete(lead, tests);
    await tasks.complete(lead, tests);
    expect(unblocked).toEqual([
      { id: release, reason: "blocker_completed", cause: { agentId: "lead" } },
    ]);
  });

  it("a late webhook from before a delete keeps the task gone; a late removal keeps the pairs", async () => {
    const deploy = await create("Deploy the billing service");
    const migrate = await create("Migrate the billing schema");
    await dependencies.add(lead, deploy, migrate);
    const open = (await gateway.getIssue(migrate))!;
    await tasks.remove(lead, migrate);
    expect(unblocked).toEqual([{ id: deploy, reason: "blocker_deleted", cause: {} }]);
    // What a late `issues` webhook carrying the task's older, open state does.
    await tasks.reindex(open);
    await expect(tasks.get(lead, migrate)).rejects.toMatchObject({ status: 404 });

    const report = await create("Send the usage report");
    const collect = await create("Collect the usage figures");
    await dependencies.add(lead, report, collect);
    // A removal seen before the task's current view (a late `deleted` of an older state).
    expect(index.remove(collect, "2001-01-01T00:00:00Z")).toBe(false);
    expect(await tasks.get(lead, collect)).toMatchObject({ blocking: [report] });
    expect(await tasks.get(lead, report)).toMatchObject({ blocked_by: [collect] });
  });

  it("the late webhook of Baton's own add, after the pair was removed, does not add it back", async () => {
    const deploy = await create("Deploy the search service");
    const index = await create("Rebuild the search index");
    await dependencies.add(lead, deploy, index);
    // GitHub's webhook of the add, as it would arrive minutes late (views from just after the add).
    const late = {
      added: true,
      blocked: (await gateway.getIssue(deploy))!,
      blocker: (await gateway.getIssue(index))!,
      sender: { login: "baton[bot]", type: "Bot" },
    };
    await dependencies.remove(lead, deploy, index);
    recorded.clear();
    const reconciling = vi.spyOn(dependencies, "reconcile");
    expect(dependencies.changed(late)).toBe("echo");
    // The echo's view is compared in the background: wait for the comparison to end (the store
    // changes after GitHub's answer to the read back, not when it is sent).
    expect(reconciling).toHaveBeenCalledTimes(1);
    await reconciling.mock.results[0]!.value;
    reconciling.mockRestore();
    expect(dependencies.fields(deploy)).toEqual({ blocked_by: [], blocking: [] });
    expect(unblocked).toEqual([
      { id: deploy, reason: "dependency_removed", cause: { agentId: "lead" } },
    ]);
    // Its views carry totals from before the removal: GitHub is asked once, and agrees.
    expect(recorded.reads).toEqual([BLOCKED_BY]);
  });

  it("a read back while Baton's own removal is between GitHub and the store leaves it to the removal", async () => {
    const ship = await create("Ship the mobile release");
    const sign = await create("Sign the mobile build");
    await dependencies.add(lead, ship, sign);
    // GitHub has removed the pair, but its answer is slow: the store still has the pair. (Slow
    // enough that a loaded machine still reads back before the answer.)
    double.injectFault({
      route: `DELETE ${BLOCKED_BY}/{issue_id}`,
      kind: "latency",
      latencyMs: 2_000,
    });
    const removal = dependencies.remove(lead, ship, sign);
    let removed = false;
    const done = () => (removed = true);
    void removal.then(done, done);
    await until(
      async () => (await issueOf(ship)).issue_dependencies_summary?.total_blocked_by === 0,
    );
    // A webhook's view of the task, newer than the store: its totals differ.
    await dependencies.reconcile(await issueOf(ship));
    expect(removed, "the removal was still waiting for GitHub's answer").toBe(false);
    expect(dependencies.fields(ship).blocked_by).toEqual([sign]);
    await removal;
    // Unblocked once, by the agent's removal, not by an anonymous read back.
    expect(unblocked).toEqual([
      { id: ship, reason: "dependency_removed", cause: { agentId: "lead" } },
    ]);
  });

  it("reads the pairs back when an issue's totals differ from those last seen, and only then", async () => {
    const upgrade = await create("Upgrade Postgres");
    const backup = await create("Take a base backup");
    const { data: note } = await personFor(double, "eve").rest.issues.create({
      ...repo,
      title: "A stranger's issue",
    });
    // A person adds both on github.com while Baton hears nothing (no webhooks in process).
    for (const blocker of [backup, note.number])
      await personFor(double, "alice").request(`POST ${BLOCKED_BY}`, {
        ...repo,
        issue_number: upgrade,
        issue_id: double.state.issues.get(blocker)!.id,
      });
    recorded.clear();
    // Only the task counts: the stranger's issue is no task.
    expect(await tasks.get(lead, upgrade)).toMatchObject({ blocked_by: [backup] });
    expect(recorded.reads).toEqual(["/repos/{owner}/{repo}/issues/{issue_number}", BLOCKED_BY]);
    recorded.clear();
    await tasks.get(lead, upgrade);
    expect(recorded.reads).toEqual(["/repos/{owner}/{repo}/issues/{issue_number}"]);
    expect(recorded.sent).toEqual([]);
  });
});
