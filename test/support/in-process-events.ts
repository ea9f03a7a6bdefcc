import Database from "better-sqlite3";
import { AgentService } from "../../src/agents/agent-service.js";
import type { GitHubIssue } from "../../src/tasks/github-issue.js";
import { IssueGateway } from "../../src/github/issue-gateway.js";
import type { TaskEvent } from "../../src/events/event-schema.js";
import { EventRelay } from "../../src/events/relay.js";
import { SqliteAgentStore } from "../../src/store/agent-store.js";
import { migrate } from "../../src/store/database.js";
import { SqliteJournal } from "../../src/store/journal-store.js";
import { SqliteOutboxStore } from "../../src/store/outbox-store.js";
import { SqliteSubscriptionStore } from "../../src/store/subscription-store.js";
import { encodeTask, TaskMetaSchema, type TaskMeta } from "../../src/tasks/issue-codec.js";
import { SqliteProjectOrderStore } from "../../src/store/project-store.js";
import { ProjectService } from "../../src/services/project-service.js";
import { TaskService } from "../../src/services/task-service.js";

export const APP_ID = 4242;
export const FIXED_NOW = new Date("2026-12-07T06:00:00.000Z");

/**
 * The relay's real stores on an in-memory SQLite, with real agents and a real TaskService whose
 * GitHub is unreachable: turning webhooks into events must never call GitHub.
 */
export function inProcessEvents(agentNames: string[] = []) {
  const db = new Database(":memory:");
  migrate(db);
  const agents = new AgentService({ store: new SqliteAgentStore(db), pepper: "test-pepper" });
  for (const name of agentNames) agents.create({ name });
  const gateway = new IssueGateway({
    owner: "acme",
    repo: "tasks",
    octokit: () => Promise.reject(new Error("no GitHub in this test")),
  });
  const journal = new SqliteJournal(db);
  const projects = new ProjectService(gateway, new SqliteProjectOrderStore(db));
  const tasks = new TaskService({
    gateway,
    subIssues: undefined as never,
    maxDepth: 5,
    agents,
    projects,
    journal,
    appId: () => APP_ID,
  });
  const outbox = new SqliteOutboxStore(db);
  const subscriptions = new SqliteSubscriptionStore(db);
  let enqueued = 0;
  const relay = new EventRelay({
    outbox,
    subscriptions,
    agents,
    tasks,
    journal,
    appId: () => APP_ID,
    onEnqueued: () => enqueued++,
    now: () => FIXED_NOW,
  });
  const subscribe = (owner: string, filter: { agent_id?: string; events?: string[] } = {}) =>
    subscriptions.insert(
      {
        owner_agent_id: owner,
        url: "https://receiver.example/hooks",
        events: filter.events ?? ["*"],
        project_id: null,
        agent_id: filter.agent_id ?? null,
        secret: "whsec_dGVzdC1zZWNyZXQtdGVzdC1zZWNyZXQtdGVzdC1zZWNyZXQ=",
        active: true,
      },
      FIXED_NOW.toISOString(),
    );
  /** Every event in the outbox, oldest first, with its random id masked. */
  const events = () =>
    (db.prepare("SELECT body FROM events ORDER BY rowid").pluck().all() as string[]).map(
      (body): TaskEvent => ({ ...(JSON.parse(body) as TaskEvent), id: "evt_…" }),
    );
  const deliveries = () =>
    db.prepare("SELECT subscription_id, issue_number, state FROM outbox ORDER BY seq").all();
  return {
    db,
    agents,
    journal,
    tasks,
    outbox,
    subscriptions,
    relay,
    subscribe,
    events,
    deliveries,
    enqueued: () => enqueued,
  };
}

export interface IssueOptions {
  number?: number;
  content?: string;
  meta?: Partial<TaskMeta>;
  assignee?: string | null;
  priority?: number;
  state?: "open" | "closed";
  updated_at?: string;
  /** Who opened the issue: the App (default), or a person with this association. */
  author?: { login: string; association: string };
  extraLabels?: string[];
}

/** An issue as GitHub serialises it in webhooks, with Baton's body and labels. */
export function taskIssue(options: IssueOptions = {}): GitHubIssue {
  const number = options.number ?? 7;
  const encoded = encodeTask({
    content: options.content ?? "Renew the TLS certificate",
    description: null,
    priority: options.priority ?? 2,
    labels: options.extraLabels ?? [],
    projectSlug: null,
    assignee: options.assignee ?? null,
    status: "open",
    meta: TaskMetaSchema.parse({ created_by: "monitor", ...options.meta }),
  });
  const byApp = !options.author;
  return {
    id: 1_000_000 + number,
    node_id: `I_${number}`,
    number,
    title: encoded.title,
    body: encoded.body,
    state: options.state ?? "open",
    state_reason: options.state === "closed" ? "completed" : null,
    labels: encoded.labels.map((name, i) => ({ name, id: i + 1 })),
    user: byApp
      ? { login: "baton[bot]", type: "Bot", id: 1 }
      : { login: options.author!.login, type: "User", id: 2 },
    author_association: byApp ? "NONE" : options.author!.association,
    created_at: "2026-12-07T05:00:00.000Z",
    updated_at: options.updated_at ?? "2026-12-07T05:00:00.000Z",
    closed_at: options.state === "closed" ? (options.updated_at ?? null) : null,
    html_url: `https://github.com/acme/tasks/issues/${number}`,
    performed_via_github_app: byApp ? { id: APP_ID } : null,
    sub_issues_summary: { total: 0, completed: 0 },
    parent_issue_url: null,
  };
}

export const appSender = { login: "baton[bot]", type: "Bot", id: 1 };
export const person = (login: string) => ({ login, type: "User", id: 99 });
