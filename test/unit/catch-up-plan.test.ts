import { describe, expect, it } from "vitest";
import {
  deliveriesToReplay,
  readBackWebhooks,
  UNKNOWN_SENDER,
} from "../../src/events/catch-up-plan.js";
import type { GitHubIssue } from "../../src/tasks/github-issue.js";
import type { DeliverySummary } from "../../src/github/hook-deliveries.js";
import type { RepoComment } from "../../src/github/recent-changes.js";

let nextId = 1;
const attempt = (guid: string, at: string, status: number, event = "issues"): DeliverySummary => ({
  id: nextId++,
  guid,
  delivered_at: at,
  redelivery: false,
  status_code: status,
  event,
  action: "opened",
});

describe("deliveriesToReplay", () => {
  it("keeps events whose every attempt failed, once each, in the order GitHub first sent them", () => {
    const attempts = [
      attempt("b", "2026-12-07T10:00:02Z", 0),
      attempt("a", "2026-12-07T10:00:01Z", 0),
      attempt("ok", "2026-12-07T10:00:03Z", 200),
      attempt("retried", "2026-12-07T10:00:04Z", 502),
      attempt("retried", "2026-12-07T10:00:09Z", 202),
      attempt("b", "2026-12-07T10:00:08Z", 500),
      attempt("installation", "2026-12-07T10:00:05Z", 0, "installation"),
      attempt("done-before", "2026-12-07T10:00:06Z", 0),
    ];
    const replay = deliveriesToReplay(attempts, (guid) => guid === "done-before");
    expect(replay.map((d) => `${d.guid}@${d.delivered_at}`)).toEqual([
      "a@2026-12-07T10:00:01Z",
      "b@2026-12-07T10:00:02Z",
    ]);
  });
});

const issue = (number: number, fields: Partial<GitHubIssue>): GitHubIssue => ({
  id: 1_000_000 + number,
  node_id: `I_${number}`,
  number,
  title: `task ${number}`,
  body: "",
  state: "open",
  labels: [],
  user: { login: "alice", type: "User" },
  author_association: "COLLABORATOR",
  created_at: "2026-12-07T09:00:00.000Z",
  updated_at: "2026-12-07T10:00:00.000Z",
  closed_at: null,
  html_url: `https://github.com/acme/tasks/issues/${number}`,
  ...fields,
});

const comment = (id: number, issueNumber: number, at: string): RepoComment => ({
  id,
  body: "hi",
  user: { login: "bob", type: "User" },
  author_association: "COLLABORATOR",
  created_at: at,
  html_url: `https://github.com/acme/tasks/issues/${issueNumber}#issuecomment-${id}`,
  issue_url: `https://api.github.com/repos/acme/tasks/issues/${issueNumber}`,
});

describe("readBackWebhooks", () => {
  const window = { from: "2026-12-07T09:30:00.000Z", until: "2026-12-07T11:00:00.000Z" };
  const envelope = { repository: { full_name: "acme/tasks" } };

  it("rebuilds, per task and in order, the webhooks of changes the relay has not seen", () => {
    const seen = new Map([
      [1, { updated_at: "2026-12-07T09:40:00.000Z", closed: false }],
      [2, { updated_at: "2026-12-07T10:05:00.000Z", closed: false }],
      [4, { updated_at: "2026-12-07T09:45:00.000Z", closed: true }],
    ]);
    const webhooks = readBackWebhooks({
      ...window,
      envelope,
      issues: [
        // closed by someone while Baton was down
        issue(1, { state: "closed", closed_at: "2026-12-07T10:00:00.000Z" }),
        // already seen at this state
        issue(2, { updated_at: "2026-12-07T10:05:00.000Z" }),
        // opened and closed while Baton was down
        issue(3, {
          created_at: "2026-12-07T10:10:00.000Z",
          updated_at: "2026-12-07T10:20:00.000Z",
          state: "closed",
          closed_at: "2026-12-07T10:20:00.000Z",
        }),
        // reopened
        issue(4, { updated_at: "2026-12-07T10:30:00.000Z" }),
        // changed after the window: the live webhook has it
        issue(5, { updated_at: "2026-12-07T11:30:00.000Z" }),
      ],
      comments: [
        comment(70, 3, "2026-12-07T10:15:00.000Z"),
        comment(71, 1, "2026-12-07T09:50:00.000Z"),
        comment(72, 1, "2026-12-07T09:00:00.000Z"),
      ],
      seen: (n) => seen.get(n),
      changedBy: () => UNKNOWN_SENDER,
    });
    expect(
      webhooks.map((w) => {
        const p = w.payload as { action: string; sender: { login: string }; issue: GitHubIssue };
        return `${w.id} ${w.name}.${p.action} #${p.issue.number} ${p.issue.state} by ${p.sender.login}`;
      }),
    ).toMatchInlineSnapshot(`
      [
        "catch-up:comment:71 issue_comment.created #1 closed by bob",
        "catch-up:issues.closed:1:2026-12-07T10:00:00.000Z issues.closed #1 closed by ghost",
        "catch-up:issues.opened:3:2026-12-07T10:10:00.000Z issues.opened #3 open by alice",
        "catch-up:comment:70 issue_comment.created #3 closed by bob",
        "catch-up:issues.closed:3:2026-12-07T10:20:00.000Z issues.closed #3 closed by ghost",
        "catch-up:issues.reopened:4:2026-12-07T10:30:00.000Z issues.reopened #4 open by ghost",
      ]
    `);
    expect(webhooks.every((w) => (w.payload as typeof envelope).repository.full_name)).toBe(true);
  });
});
