import type { Config } from "./config.js";
import { AgentService } from "./agents/agent-service.js";
import { IssueGateway } from "./github/issue-gateway.js";
import { SubIssueGateway } from "./github/sub-issue-gateway.js";
import type { Octokit } from "./github/octokit.js";
import { SqliteAgentStore } from "./store/agent-store.js";
import type { Db } from "./store/database.js";
import { SqliteIdempotencyStore } from "./store/idempotency-store.js";
import { SqliteJournal } from "./store/journal-store.js";
import { keyPepper } from "./store/settings-store.js";
import type { ChainEvents } from "./tasks/chain-events.js";
import { ChainService } from "./tasks/chain-service.js";
import { ProjectService } from "./tasks/project-service.js";
import { TaskService } from "./tasks/task-service.js";

export interface Services {
  db: Db;
  gateway: IssueGateway;
  agents: AgentService;
  projects: ProjectService;
  tasks: TaskService;
  subIssues: SubIssueGateway;
  chains: ChainService;
  idempotency: SqliteIdempotencyStore;
  journal: SqliteJournal;
}

/** Wires the services together; the only place that knows every concrete class. */
export interface ServiceHooks {
  /** Publishes `task.chain_completed` (the event relay); logs only by default. */
  chainEvents: ChainEvents;
  log?: (message: string, data: Record<string, unknown>) => void;
}

export function createServices(
  config: Config,
  db: Db,
  octokit: () => Promise<Octokit>,
  hooks: ServiceHooks = { chainEvents: { chainCompleted: () => undefined } },
): Services {
  const gateway = new IssueGateway({
    owner: config.github.owner,
    repo: config.github.repo,
    octokit,
  });
  const agents = new AgentService({
    store: new SqliteAgentStore(db),
    pepper: keyPepper(db, config.keyPepper),
  });
  const projects = new ProjectService(gateway, db);
  const journal = new SqliteJournal(db);
  const subIssues = new SubIssueGateway({
    owner: config.github.owner,
    repo: config.github.repo,
    octokit,
    issues: gateway,
  });
  const tasks = new TaskService({
    gateway,
    subIssues,
    maxDepth: config.tasks.maxDepth,
    agents,
    projects,
    journal,
    appId: () => config.github.appId,
  });
  const chains = new ChainService({
    tasks,
    gateway,
    subIssues,
    journal,
    events: hooks.chainEvents,
    log: hooks.log,
  });
  return {
    db,
    gateway,
    agents,
    projects,
    tasks,
    subIssues,
    chains,
    idempotency: new SqliteIdempotencyStore(db),
    journal,
  };
}
