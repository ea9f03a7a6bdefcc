// The task service in process, against the GitHub double: the exact requests each operation sends.
import type Database from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TaskService } from "../../src/services/task-service.js";
import type { Caller } from "../../src/tasks/access.js";
import { startGitHubDouble, type GitHubDouble } from "../support/github-double/index.ts";
import type { RecordedRequests } from "../support/github-double/recorded-requests.ts";
import { inProcessServices } from "../support/in-process-services.ts";

let double: GitHubDouble;
let db: Database.Database;
let tasks: TaskService;
let recorded: RecordedRequests;
const lead: Caller = { id: "lead", role: "coordinator" };

beforeAll(async () => {
  double = await startGitHubDouble({ repo: "acme/tasks" });
  ({ db, tasks, recorded } = inProcessServices(double));
});

afterAll(async () => {
  db?.close();
  await double?.close();
});

beforeEach(() => {
  recorded.clear();
});

describe("TaskService", () => {
  it("create writes one issue with the task's labels and metadata", async () => {
    const task = await tasks.create(
      lead,
      { content: "Rotate the API keys", priority: 3, assigned_to_agent_id: "builder" },
      { nonce: "nonce-create" },
    );
    expect(task).toMatchObject({ content: "Rotate the API keys", status: "open", priority: 3 });
    expect(recorded.sent.filter((r) => r.request.endsWith("/issues"))).toMatchInlineSnapshot(`
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
    recorded.clear();
    const done = await tasks.complete(lead, task.id);
    expect(done.completed_by_agent_id).toBe("lead");
    expect(recorded.sent).toMatchInlineSnapshot(`
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
    recorded.clear();
    await tasks.complete(lead, task.id);
    expect(recorded.sent).toEqual([]);
  });

  it("delegate creates the linked child in one GraphQL request and marks the parent delegated", async () => {
    const parent = await tasks.create(lead, { content: "Release 2.0" }, { nonce: "nonce-parent" });
    recorded.clear();
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
    expect(recorded.sent).toMatchInlineSnapshot(`
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
    recorded.clear();
    await tasks.update(lead, task.id, { priority: 4, content: "Tidy the docs" });
    expect(recorded.sent).toMatchInlineSnapshot(`
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
    recorded.clear();
    await tasks.update(lead, task.id, { priority: 4 });
    expect(recorded.sent).toEqual([]);
  });
});
