// The task service in process, against the GitHub double: the exact requests each operation sends.
import Database from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AgentService } from "../../src/agents/agent-service.js";
import { IssueGateway } from "../../src/github/issue-gateway.js";
import { SubIssueGateway } from "../../src/github/sub-issue-gateway.js";
import { ProjectService } from "../../src/services/project-service.js";
import { TaskService } from "../../src/services/task-service.js";
import { SqliteAgentStore } from "../../src/store/agent-store.js";
import { migrate } from "../../src/store/database.js";
import { SqliteJournal } from "../../src/store/journal-store.js";
import { SqliteProjectOrderStore } from "../../src/store/project-store.js";
import type { Caller } from "../../src/tasks/access.js";
import { startGitHubDouble, type GitHubDouble } from "../support/github-double/index.ts";
import { clientFor } from "../support/github-double/test-client.ts";

interface SentRequest {
  request: string;
  body?: unknown;
}

let double: GitHubDouble;
let db: Database.Database;
let tasks: TaskService;
let sent: SentRequest[];
const lead: Caller = { id: "lead", role: "coordinator" };

beforeAll(async () => {
  double = await startGitHubDouble({ repo: "acme/tasks" });
  const octokit = clientFor(double);
  // Every request the service sends, as GitHub receives it (reads are conditional and skipped).
  octokit.hook.before("request", (options) => {
    if (options.method === "GET") return;
    const { method, url, baseUrl, headers, request, mediaType, owner, repo, query, ...rest } =
      options as Record<string, unknown>;
    void [baseUrl, headers, request, mediaType, owner, repo];
    const body =
      typeof query === "string"
        ? { operation: /(?:mutation|query)\s+(\w+)/.exec(query)?.[1], variables: rest.variables }
        : rest;
    const route = String(url).replace(double.url, "");
    sent.push({ request: `${String(method)} ${route}`, body });
  });
  db = new Database(":memory:");
  migrate(db);
  const gateway = new IssueGateway({ owner: "acme", repo: "tasks", octokit: async () => octokit });
  const agents = new AgentService({ store: new SqliteAgentStore(db), pepper: "pepper" });
  agents.create({ name: "lead", role: "coordinator" });
  agents.create({ name: "builder", role: "worker" });
  tasks = new TaskService({
    gateway,
    subIssues: new SubIssueGateway({
      owner: "acme",
      repo: "tasks",
      octokit: async () => octokit,
      issues: gateway,
    }),
    maxDepth: 5,
    agents,
    projects: new ProjectService(gateway, new SqliteProjectOrderStore(db)),
    journal: new SqliteJournal(db),
    appId: () => undefined,
  });
});

afterAll(async () => {
  db?.close();
  await double?.close();
});

beforeEach(() => {
  sent = [];
});

describe("TaskService", () => {
  it("create writes one issue with the task's labels and metadata", async () => {
    const task = await tasks.create(
      lead,
      { content: "Rotate the API keys", priority: 3, assigned_to_agent_id: "builder" },
      { nonce: "nonce-create" },
    );
    expect(task).toMatchObject({ content: "Rotate the API keys", status: "open", priority: 3 });
    expect(sent.filter((r) => r.request.endsWith("/issues"))).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "body": "> Baton task · created by **lead** · held by **builder**



      <!-- baton:v1 {"created_by":"lead","nonce":"nonce-create","description_hash":"e3b0c44298fc1c14"} -->",
            "labels": [
              "priority:high",
              "agent:builder",
            ],
            "title": "Rotate the API keys",
          },
          "request": "POST /repos/{owner}/{repo}/issues",
        },
      ]
    `);
  });

  it("complete is one PATCH that closes the issue as completed, by the caller", async () => {
    const task = await tasks.create(lead, { content: "Ship it" }, { nonce: "nonce-complete" });
    sent = [];
    const done = await tasks.complete(lead, task.id);
    expect(done.completed_by_agent_id).toBe("lead");
    expect(sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "body": "> Baton task · created by **lead**



      <!-- baton:v1 {"created_by":"lead","completed_by":"lead","nonce":"nonce-complete","description_hash":"e3b0c44298fc1c14"} -->",
            "issue_number": 2,
            "state": "closed",
            "state_reason": "completed",
          },
          "request": "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        },
      ]
    `);
    sent = [];
    await tasks.complete(lead, task.id);
    expect(sent).toEqual([]);
  });

  it("delegate creates the linked child in one GraphQL request and marks the parent delegated", async () => {
    const parent = await tasks.create(lead, { content: "Release 2.0" }, { nonce: "nonce-parent" });
    sent = [];
    const child = await tasks.create(
      lead,
      {
        content: "Write the changelog",
        parent_task_id: parent.id,
        assigned_to_agent_id: "builder",
      },
      { nonce: "nonce-child" },
    );
    expect(child).toMatchObject({ parent_task_id: parent.id, delegation_depth: 1 });
    expect(sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "operation": "BatonRepository",
            "variables": {
              "name": "tasks",
              "owner": "acme",
            },
          },
          "request": "POST /api/graphql",
        },
        {
          "body": {
            "color": "d4c5f9",
            "description": "Baton: delegation depth 1",
            "name": "depth:1",
          },
          "request": "POST /repos/{owner}/{repo}/labels",
        },
        {
          "body": {
            "operation": "BatonCreateSubIssue",
            "variables": {
              "input": {
                "body": "> Baton task · created by **lead** · held by **builder** · delegated from #3



      <!-- baton:v1 {"created_by":"lead","root":3,"parent":3,"depth":1,"nonce":"nonce-child","description_hash":"e3b0c44298fc1c14"} -->",
                "clientMutationId": "nonce-child",
                "labelIds": [
                  "LA_kwDOTGFiZWw6OTAwMDAwMw",
                  "LA_kwDOTGFiZWw6OTAwMDAwMg",
                  "LA_kwDOTGFiZWw6OTAwMDAwNA",
                ],
                "parentIssueId": "I_kwDOSXNzdWU6Mw",
                "repositoryId": "R_kgDOUmVwb3NpdG9yeTphY21lL3Rhc2tz",
                "title": "Write the changelog",
              },
            },
          },
          "request": "POST /api/graphql",
        },
        {
          "body": {
            "color": "5319e7",
            "description": "Baton: delegated to sub-issues",
            "name": "status:delegated",
          },
          "request": "POST /repos/{owner}/{repo}/labels",
        },
        {
          "body": {
            "issue_number": 3,
            "labels": [
              "priority:medium",
              "status:delegated",
            ],
          },
          "request": "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        },
      ]
    `);
  });

  it("an update sends only what changed, and nothing when nothing did", async () => {
    const task = await tasks.create(lead, { content: "Tidy the docs" }, { nonce: "nonce-update" });
    sent = [];
    await tasks.update(lead, task.id, { priority: 4, content: "Tidy the docs" });
    expect(sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "color": "d73a4a",
            "description": "Baton task priority 4 of 4",
            "name": "priority:urgent",
          },
          "request": "POST /repos/{owner}/{repo}/labels",
        },
        {
          "body": {
            "issue_number": 5,
            "labels": [
              "priority:urgent",
            ],
          },
          "request": "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        },
      ]
    `);
    sent = [];
    await tasks.update(lead, task.id, { priority: 4 });
    expect(sent).toEqual([]);
  });
});
