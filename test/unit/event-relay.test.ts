import { describe, expect, it } from "vitest";
import type { GitHubIssue } from "../../src/tasks/github-issue.js";
import type { GitHubWebhook, IssueAction, Sender } from "../../src/github/webhook-payloads.js";
import { classifyAction, classifyChange, type TaskState } from "../../src/events/task-diff.js";
import { appSender, inProcessEvents, person, taskIssue } from "../support/in-process-events.js";

let deliverySeq = 0;
const issueWebhook = (action: IssueAction, issue: GitHubIssue, sender: Sender = appSender) => ({
  delivery: { id: `d-${++deliverySeq}`, name: "issues" },
  webhook: { kind: "issue", action, issue, sender } satisfies GitHubWebhook,
});

const accept = (
  t: ReturnType<typeof inProcessEvents>,
  { delivery, webhook }: ReturnType<typeof issueWebhook>,
) => t.relay.accept(delivery, webhook);

describe("EventRelay: GitHub webhooks in, one task event per change out", () => {
  it("an agent's create is task.created, attributed to the agent, delivered to subscribers", async () => {
    const t = inProcessEvents(["monitor", "infra"]);
    t.subscribe("monitor");
    t.subscribe("infra", { agent_id: "someone-else" });
    const { delivery, webhook } = issueWebhook("opened", taskIssue({ assignee: "infra" }));
    expect(await t.relay.accept(delivery, webhook)).toBe("relayed");
    expect(t.events()).toMatchInlineSnapshot(`
      [
        {
          "actor": null,
          "agent": {
            "display_name": null,
            "id": "monitor",
            "name": "monitor",
          },
          "event": "task.created",
          "id": "evt_…",
          "task": {
            "assigned_to_agent": {
              "display_name": null,
              "id": "infra",
              "name": "infra",
            },
            "assigned_to_agent_id": "infra",
            "blocked_by": [],
            "blocking": [],
            "claimed_by_agent_id": null,
            "completed": false,
            "completed_at": null,
            "completed_by_agent": null,
            "completed_by_agent_id": null,
            "content": "Renew the TLS certificate",
            "context": {},
            "context_version": 0,
            "created_at": "2026-12-07T05:00:00.000Z",
            "created_by_agent": {
              "display_name": null,
              "id": "monitor",
              "name": "monitor",
            },
            "created_by_agent_id": "monitor",
            "delegation_depth": 0,
            "description": null,
            "due_date": null,
            "due_time": null,
            "handoff_by_agent_id": null,
            "handoff_note": null,
            "handoff_state": null,
            "id": 7,
            "labels": [],
            "lease_expires_at": null,
            "links": [],
            "parent_task_id": null,
            "priority": 2,
            "project": null,
            "project_id": null,
            "root_task_id": 7,
            "session_state": null,
            "session_state_detail": null,
            "status": "open",
            "subtasks": [],
            "updated_at": "2026-12-07T05:00:00.000Z",
            "url": "https://github.com/acme/tasks/issues/7",
          },
          "timestamp": "2026-12-07T06:00:00.000Z",
        },
      ]
    `);
    // monitor's subscription wants it; infra's filters on another agent.
    expect(t.deliveries()).toEqual([{ subscription_id: 1, issue_number: 7, state: "pending" }]);
    expect(t.enqueued()).toBe(1);
  });

  it("one PATCH that GitHub reports as edited, labeled and closed is ONE task.completed", async () => {
    const t = inProcessEvents(["monitor", "infra"]);
    t.subscribe("monitor");
    await accept(t, issueWebhook("opened", taskIssue()));
    t.journal.stamp(t.journal.record(7, "completed", "infra"), "2026-12-07T05:10:00.000Z");
    const done = taskIssue({
      state: "closed",
      priority: 4,
      extraLabels: ["tls"],
      updated_at: "2026-12-07T05:10:00.000Z",
      meta: { completed_by: "infra" },
    });
    const results = [];
    for (const action of ["edited", "labeled", "closed"] as const) {
      const { delivery, webhook } = issueWebhook(action, done);
      results.push(await t.relay.accept(delivery, webhook));
    }
    expect(results).toEqual(["relayed", "unchanged", "unchanged"]);
    const completed = t.events()[1]!;
    expect(completed.event).toBe("task.completed");
    expect(completed.agent?.id).toBe("infra");
    expect(completed.changes).toMatchInlineSnapshot(`
      {
        "completed": {
          "from": false,
          "to": true,
        },
        "labels": {
          "from": [],
          "to": [
            "tls",
          ],
        },
        "priority": {
          "from": 2,
          "to": 4,
        },
        "status": {
          "from": "open",
          "to": "completed",
        },
      }
    `);
  });

  it("a stale webhook and a redelivery change nothing", async () => {
    const t = inProcessEvents(["monitor"]);
    const newer = taskIssue({ priority: 3, updated_at: "2026-12-07T05:20:00.000Z" });
    const first = issueWebhook("edited", newer);
    await t.relay.accept(first.delivery, first.webhook);
    const older = issueWebhook("edited", taskIssue({ updated_at: "2026-12-07T05:10:00.000Z" }));
    expect(await t.relay.accept(older.delivery, older.webhook)).toBe("unchanged");
    expect(await t.relay.accept(first.delivery, first.webhook)).toBe("duplicate");
    expect(t.events().map((e) => e.event)).toEqual(["task.updated"]);
  });

  it("an event that follows Baton's own write sends that write's change first, and its webhook nothing more", async () => {
    const t = inProcessEvents(["monitor"]);
    await accept(t, issueWebhook("opened", taskIssue()));
    // The roll-up's write (here: a priority change), read back before GitHub's webhook comes.
    const written = taskIssue({ priority: 3, updated_at: "2026-12-07T05:40:00.000Z" });
    const task = await t.tasks.toTask(written);
    t.relay.record(
      { event: "task.chain_completed", task, agentId: "monitor" },
      { followsWrite: true },
    );
    expect(await accept(t, issueWebhook("edited", written))).toBe("unchanged");
    expect(t.events().map((e) => [e.event, e.agent?.id ?? null])).toEqual([
      ["task.created", "monitor"],
      ["task.updated", "monitor"],
      ["task.chain_completed", "monitor"],
    ]);
    expect(t.events()[1]!.changes).toEqual({ priority: { from: 2, to: 3 } });
  });

  it("a link added is task.linked with the link; an older snapshot without links is no change", async () => {
    const t = inProcessEvents(["monitor", "infra"]);
    t.subscribe("monitor");
    await accept(t, issueWebhook("opened", taskIssue()));
    const link = {
      kind: "pr" as const,
      repo: "acme/api",
      ref: "12",
      url: null,
      by: "infra",
      at: "2026-12-07T05:30:00.000Z",
    };
    const linked = taskIssue({ meta: { links: [link] }, updated_at: "2026-12-07T05:30:00.000Z" });
    expect(await accept(t, issueWebhook("edited", linked))).toBe("relayed");
    const event = t.events()[1]!;
    expect(event.event).toBe("task.linked");
    expect(event.link).toEqual({
      kind: "pr",
      repo: "acme/api",
      ref: "12",
      url: null,
      created_by_agent_id: "infra",
      created_at: "2026-12-07T05:30:00.000Z",
    });
    expect(event.task?.links).toEqual([event.link]);

    // A snapshot kept before tasks had links reads as having none: no event for that.
    const task = { ...event.task!, links: [] };
    const old = { task: { ...task, links: undefined }, deleted: false } as unknown as TaskState;
    expect(classifyChange(old, { task, deleted: false })).toBeUndefined();
  });

  it("a person's edit is attributed to the person", async () => {
    const t = inProcessEvents(["monitor"]);
    await accept(t, issueWebhook("opened", taskIssue()));
    const relabelled = taskIssue({ priority: 4, updated_at: "2026-12-07T05:30:00.000Z" });
    const { delivery, webhook } = issueWebhook("labeled", relabelled, person("alice"));
    await t.relay.accept(delivery, webhook);
    expect(t.events()[1]).toMatchObject({
      event: "task.updated",
      agent: null,
      actor: { type: "user", login: "alice" },
      changes: { priority: { from: 2, to: 4 } },
    });
  });

  it("an issue opened by a stranger is dropped, logged, and its delivery remembered", async () => {
    const t = inProcessEvents(["monitor"]);
    t.subscribe("monitor");
    const stranger = taskIssue({ author: { login: "mallory", association: "NONE" } });
    const { delivery, webhook } = issueWebhook("opened", stranger, person("mallory"));
    expect(await t.relay.accept(delivery, webhook)).toBe("untrusted");
    expect(await t.relay.accept(delivery, webhook)).toBe("duplicate");
    expect(t.events()).toEqual([]);
  });

  it("comments: a collaborator's is task.commented with its actor, a stranger's is dropped", async () => {
    const t = inProcessEvents(["monitor"]);
    const issue = taskIssue();
    const comment = (login: string, association: string, id: number) => ({
      delivery: { id: `c-${id}`, name: "issue_comment" },
      webhook: {
        kind: "comment" as const,
        issue,
        sender: person(login),
        comment: {
          id,
          body: `Looks done <!-- hidden --> to ${login}`,
          user: person(login),
          author_association: association,
          created_at: "2026-12-07T05:40:00.000Z",
          html_url: `https://github.com/acme/tasks/issues/7#issuecomment-${id}`,
          performed_via_github_app: null,
        },
      },
    });
    const bob = comment("bob", "COLLABORATOR", 1);
    const eve = comment("eve", "NONE", 2);
    expect(await t.relay.accept(bob.delivery, bob.webhook)).toBe("relayed");
    expect(await t.relay.accept(eve.delivery, eve.webhook)).toBe("untrusted");
    const events = t.events();
    expect(events.map(({ event, actor, comment }) => ({ event, actor, comment })))
      .toMatchInlineSnapshot(`
        [
          {
            "actor": {
              "login": "bob",
              "type": "user",
            },
            "comment": {
              "author": "bob",
              "author_type": "user",
              "content": "Looks done  to bob",
              "created_at": "2026-12-07T05:40:00.000Z",
              "id": 1,
              "task_id": 7,
              "url": "https://github.com/acme/tasks/issues/7#issuecomment-1",
            },
            "event": "task.commented",
          },
        ]
      `);
  });
});

describe("task-diff: the one event for a change", () => {
  const state = (issue: GitHubIssue, deleted = false): TaskState => ({
    task: {
      id: issue.number,
      status: issue.state === "closed" ? "completed" : "open",
      completed: issue.state === "closed",
      priority: 2,
      assigned_to_agent_id: null,
    } as TaskState["task"],
    deleted,
  });
  const open = state(taskIssue());
  const closed = state(taskIssue({ state: "closed" }));

  it("most significant first: deleted, completed, reopened, assigned, updated", () => {
    const assigned = { ...open, task: { ...open.task, assigned_to_agent_id: "infra" } };
    const raised = { ...open, task: { ...open.task, priority: 4 } };
    const closedAndAssigned = { ...closed, task: { ...closed.task, assigned_to_agent_id: "x" } };
    expect({
      deleted: classifyChange(open, { ...closed, deleted: true })?.event,
      completed: classifyChange(open, closedAndAssigned)?.event,
      reopened: classifyChange(closed, open)?.event,
      undeleted: classifyChange({ ...closed, deleted: true }, open)?.event,
      assigned: classifyChange(open, assigned)?.event,
      updated: classifyChange(open, raised)?.event,
      nothing: classifyChange(open, open),
      "still deleted": classifyChange({ ...open, deleted: true }, { ...open, deleted: true }),
    }).toMatchInlineSnapshot(`
      {
        "assigned": "task.assigned",
        "completed": "task.completed",
        "deleted": "task.deleted",
        "nothing": undefined,
        "reopened": "task.reopened",
        "still deleted": undefined,
        "undeleted": "task.reopened",
        "updated": "task.updated",
      }
    `);
  });

  it("a claim's display write is no update, even when its webhook comes after the release", () => {
    // Claimed (GitHub shows in progress), then released before the label's webhook arrived.
    const shownLate = {
      ...open,
      task: { ...open.task, status: "in_progress", claimed_by_agent_id: null, session_state: null },
    } as TaskState;
    expect({
      "Baton's claim write": classifyChange(open, shownLate, { claimDisplayWrite: true }),
      "a person's status change": classifyChange(open, shownLate)?.event,
    }).toMatchInlineSnapshot(`
      {
        "Baton's claim write": undefined,
        "a person's status change": "task.updated",
      }
    `);
  });

  it("with no earlier view, the action decides", () => {
    const actions = ["opened", "closed", "reopened", "edited", "assigned", "deleted"] as const;
    expect(Object.fromEntries(actions.map((a) => [a, classifyAction(a, open) ?? null])))
      .toMatchInlineSnapshot(`
        {
          "assigned": null,
          "closed": "task.completed",
          "deleted": null,
          "edited": "task.updated",
          "opened": "task.created",
          "reopened": "task.reopened",
        }
      `);
    expect(classifyAction("closed", { ...open, deleted: true })).toBe("task.deleted");
  });
});
