// The chain service in process, against the GitHub double: what each webhook-driven step writes.
import type Database from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { IssueGateway } from "../../src/github/issue-gateway.js";
import { ChainService } from "../../src/services/chain-service.js";
import type { TaskService } from "../../src/services/task-service.js";
import type { Caller } from "../../src/tasks/access.js";
import type { GitHubIssue } from "../../src/tasks/github-issue.js";
import { startGitHubDouble, type GitHubDouble } from "../support/github-double/index.ts";
import type { RecordedRequests } from "../support/github-double/recorded-requests.ts";
import { clientFor } from "../support/github-double/test-client.ts";
import { inProcessServices } from "../support/in-process-services.ts";

let double: GitHubDouble;
let db: Database.Database;
let gateway: IssueGateway;
let tasks: TaskService;
let chains: ChainService;
let recorded: RecordedRequests;
let completedChains: { parentId: number; rootId: number; agentId?: string }[];
const lead: Caller = { id: "lead", role: "coordinator" };
const builder: Caller = { id: "builder", role: "worker" };

beforeAll(async () => {
  double = await startGitHubDouble({ repo: "acme/tasks" });
  const services = inProcessServices(double);
  ({ db, gateway, tasks, recorded } = services);
  chains = new ChainService({
    ...services,
    events: { chainCompleted: (event) => void completedChains.push(event) },
  });
});

afterAll(async () => {
  db?.close();
  await double?.close();
});

beforeEach(() => {
  recorded.clear();
  completedChains = [];
  double.clearFaults();
});

/** A parent delegated to `builder` through one child, as an agent makes it over the API. */
async function delegated(name: string, autoCompleteParent = false) {
  const parent = await tasks.create(
    lead,
    { content: `${name}: parent` },
    { intent: { nonce: `${name}-p`, inDoubtSince: null } },
  );
  const child = await tasks.create(
    lead,
    {
      content: `${name}: child`,
      parent_task_id: parent.id,
      assigned_to_agent_id: "builder",
      auto_complete_parent: autoCompleteParent,
    },
    { intent: { nonce: `${name}-c`, inDoubtSince: null } },
  );
  return { parent: parent.id, child: child.id };
}

async function issue(number: number): Promise<GitHubIssue> {
  const found = await gateway.getIssue(number);
  if (!found) throw new Error(`issue #${number} is missing`);
  return found;
}

/** Someone removes the sub-issue link on github.com (the child keeps its metadata). */
async function unlinkOnGitHub(parent: number, child: number): Promise<void> {
  await clientFor(double).request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/sub_issue", {
    owner: "acme",
    repo: "tasks",
    issue_number: parent,
    sub_issue_id: (await issue(child)).id,
  });
}

describe("ChainService roll-up", () => {
  it("the last child completing puts the parent back to open and fires chain_completed once", async () => {
    const { parent, child } = await delegated("rollup");
    await tasks.complete(builder, child);
    recorded.clear();
    await chains.issueClosed(await issue(child));
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "issue_number": 1,
            "labels": [
              "priority:medium",
            ],
          },
          "request": "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        },
      ]
    `);
    expect(completedChains).toEqual([{ parentId: parent, rootId: parent, agentId: "builder" }]);
    expect((await tasks.get(lead, parent)).status).toBe("open");

    // GitHub delivers the webhook again: nothing more is written or fired.
    recorded.clear();
    await chains.issueClosed(await issue(child));
    expect(recorded.sent).toEqual([]);
    expect(completedChains).toHaveLength(1);
  });

  it("a child asking for it completes the parent; reopening the child reopens it as delegated", async () => {
    const { parent, child } = await delegated("auto", true);
    await tasks.complete(builder, child);
    recorded.clear();
    await chains.issueClosed(await issue(child));
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "body": "> Baton task · created by **lead**



      <!-- baton:v1 {"created_by":"lead","completed_by":"builder","nonce":"auto-p","description_hash":"e3b0c44298fc1c14"} -->",
            "issue_number": 3,
            "labels": [
              "priority:medium",
            ],
            "state": "closed",
            "state_reason": "completed",
          },
          "request": "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        },
      ]
    `);
    expect((await issue(parent)).state).toBe("closed");

    await tasks.uncomplete(builder, child);
    recorded.clear();
    await chains.issueReopened(await issue(child));
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "body": "> Baton task · created by **lead**



      <!-- baton:v1 {"created_by":"lead","nonce":"auto-p","description_hash":"e3b0c44298fc1c14"} -->",
            "issue_number": 3,
            "labels": [
              "priority:medium",
              "status:delegated",
            ],
            "state": "open",
            "state_reason": "reopened",
          },
          "request": "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        },
      ]
    `);
    expect(await tasks.get(lead, parent)).toMatchObject({ status: "delegated", completed: false });
  });

  it("a child reopened under an open parent makes it delegated again", async () => {
    const { parent, child } = await delegated("reopen");
    await tasks.complete(builder, child);
    await chains.issueClosed(await issue(child));
    await tasks.uncomplete(builder, child);
    recorded.clear();
    await chains.issueReopened(await issue(child));
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "issue_number": 5,
            "labels": [
              "priority:medium",
              "status:delegated",
            ],
          },
          "request": "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        },
      ]
    `);
    expect((await tasks.get(lead, parent)).status).toBe("delegated");
  });
});

describe("ChainService link repair", () => {
  it("links a child its metadata places under a parent when GitHub has it unlinked", async () => {
    const { parent, child } = await delegated("repair");
    await unlinkOnGitHub(parent, child);
    recorded.clear();
    await chains.issueOpened(await issue(child));
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "operation": "BatonAddSubIssue",
            "variables": {
              "child": "I_kwDOSXNzdWU6OA",
              "parent": "I_kwDOSXNzdWU6Nw",
            },
          },
          "request": "POST /api/graphql",
        },
      ]
    `);
    expect((await gateway.listSubIssues(parent)).map((i) => i.number)).toEqual([child]);
  });

  it("makes the child a root when GitHub refuses the link", async () => {
    const { parent, child } = await delegated("refused");
    await unlinkOnGitHub(parent, child);
    double.injectFault({ route: "graphql:addSubIssue", kind: "status", status: 422 });
    recorded.clear();
    await chains.issueOpened(await issue(child));
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "operation": "BatonAddSubIssue",
            "variables": {
              "child": "I_kwDOSXNzdWU6MTA",
              "parent": "I_kwDOSXNzdWU6OQ",
            },
          },
          "request": "POST /api/graphql",
        },
        {
          "body": {
            "body": "> Baton task · created by **lead** · held by **builder**



      <!-- baton:v1 {"created_by":"lead","nonce":"refused-c","description_hash":"e3b0c44298fc1c14"} -->",
            "issue_number": 10,
            "labels": [
              "priority:medium",
              "agent:builder",
            ],
          },
          "request": "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        },
      ]
    `);
    expect(await tasks.get(lead, child)).toMatchObject({
      parent_task_id: null,
      root_task_id: child,
      delegation_depth: 0,
    });
  });
});

describe("ChainService reads from GitHub (before the task mirror is filled)", () => {
  it("a chain six levels deep is 3 GraphQL requests, from any task in it", async () => {
    const ids = [(await tasks.create(lead, { content: "Six levels: the root" })).id];
    for (let depth = 1; depth <= 5; depth++) {
      const child = await tasks.create(lead, {
        content: `Six levels: depth ${depth}`,
        parent_task_id: ids.at(-1)!,
      });
      ids.push(child.id);
    }
    recorded.clear();
    const chain = await chains.chain(lead, ids.at(-1)!);
    expect(chain.chain.map((task) => task.id)).toEqual(ids);
    expect(chain).toMatchObject({ depth: 5, total_count: 6 });
    // The task's own conditional read, then the root's first three levels and two more, twice.
    expect(recorded.sent.map((sent) => (sent.body as { operation?: string }).operation)).toEqual([
      "BatonTree",
      "BatonSubtrees",
      "BatonSubtrees",
    ]);
  });
});
