// The task services wired in process against the GitHub double, as src/create-services.ts wires them
// (no dedup guard, no relay): for tests that snapshot the requests GitHub receives.
import Database from "better-sqlite3";
import { AgentService } from "../../src/agents/agent-service.js";
import { IssueGateway } from "../../src/github/issue-gateway.js";
import { RecentChanges } from "../../src/github/recent-changes.js";
import { SubIssueGateway } from "../../src/github/sub-issue-gateway.js";
import { ProjectService } from "../../src/services/project-service.js";
import { TaskService, type TaskServiceOptions } from "../../src/services/task-service.js";
import { SqliteAgentStore } from "../../src/store/agent-store.js";
import { migrate } from "../../src/store/database.js";
import { SqliteJournal } from "../../src/store/journal-store.js";
import { SqliteProjectOrderStore } from "../../src/store/project-store.js";
import { SqliteTaskIndex } from "../../src/store/task-index-store.js";
import { TaskMirror } from "../../src/services/task-mirror.js";
import type { GitHubDouble } from "./github-double/index.ts";
import { recordRequests, type RecordedRequests } from "./github-double/recorded-requests.ts";
import { clientFor } from "./github-double/test-client.ts";

export interface InProcessServices {
  db: Database.Database;
  /** The installation's client, recorded: for gateways a test adds. */
  octokit: ReturnType<typeof clientFor>;
  gateway: IssueGateway;
  subIssues: SubIssueGateway;
  journal: SqliteJournal;
  tasks: TaskService;
  recorded: RecordedRequests;
  /** With `{ mirror: true }`: the task mirror reads are answered from (issue #20). */
  mirror?: TaskMirror;
}

/**
 * Agents `lead` (coordinator) and `builder` (worker) exist; the repository is acme/tasks. `extra`
 * adds task service options (claims, dependencies) that need the database: made from it.
 */
export function inProcessServices(
  double: GitHubDouble,
  options: { mirror?: boolean; db?: Database.Database } = {},
  extra: (db: Database.Database) => Partial<TaskServiceOptions> = () => ({}),
): InProcessServices {
  const octokit = clientFor(double);
  const recorded = recordRequests(octokit);
  const db = options.db ?? new Database(":memory:");
  migrate(db);
  const gateway = new IssueGateway({ owner: "acme", repo: "tasks", octokit: async () => octokit });
  const subIssues = new SubIssueGateway({
    owner: "acme",
    repo: "tasks",
    octokit: async () => octokit,
    issues: gateway,
  });
  const agents = new AgentService({ store: new SqliteAgentStore(db), pepper: "pepper" });
  if (!agents.find("lead")) agents.create({ name: "lead", role: "coordinator" });
  if (!agents.find("builder")) agents.create({ name: "builder", role: "worker" });
  const journal = new SqliteJournal(db);
  const index = options.mirror ? new SqliteTaskIndex(db) : undefined;
  const mirror: TaskMirror | undefined = index
    ? new TaskMirror({
        index,
        listIssues: (state) => gateway.listIssues({ state }),
        getIssue: (id) => gateway.getIssue(id),
        reindex: (issue): Promise<void> => tasks.reindex(issue),
      })
    : undefined;
  const tasks: TaskService = new TaskService({
    ...(index && mirror ? { mirror, claims: { index } } : {}),
    gateway,
    changes: new RecentChanges({ owner: "acme", repo: "tasks", octokit: async () => octokit }),
    subIssues,
    maxDepth: 5,
    agents,
    projects: new ProjectService(gateway, new SqliteProjectOrderStore(db)),
    journal,
    appId: () => undefined,
    ...extra(db),
  });
  return {
    db,
    octokit,
    gateway,
    subIssues,
    journal,
    tasks,
    recorded,
    ...(mirror ? { mirror } : {}),
  };
}
