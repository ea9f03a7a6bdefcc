import type { Config } from "./config.js";
import { AgentService } from "./agents/agent-service.js";
import { createEventServices, type EventServices } from "./events/create-events.js";
import { IssueGateway } from "./github/issue-gateway.js";
import { RecentChanges } from "./github/recent-changes.js";
import { SubIssueGateway } from "./github/sub-issue-gateway.js";
import type { Octokit } from "./github/octokit.js";
import { SqliteAgentStore } from "./store/agent-store.js";
import { SqliteBlockStore } from "./store/block-store.js";
import { MetadataBlocks } from "./services/metadata-blocks.js";
import { DedupStore } from "./store/dedup-store.js";
import type { Db } from "./store/database.js";
import type { DistributedLock } from "./store/distributed-lock.js";
import { SqliteIdempotencyStore } from "./store/idempotency-store.js";
import { SqliteJournal } from "./store/journal-store.js";
import { SqliteProjectOrderStore } from "./store/project-store.js";
import { keyPepper } from "./store/settings-store.js";
import { relayChainEvents } from "./events/chain-events.js";
import { ChainService } from "./services/chain-service.js";
import { ProjectService } from "./services/project-service.js";
import { LinkService } from "./services/link-service.js";
import { TaskService } from "./services/task-service.js";
import { TaskHistory } from "./services/task-history.js";
import { DedupService } from "./dedup/index.js";
import { DuplicateGuard } from "./services/duplicate-guard.js";
import { createClaimServices, type ClaimServices } from "./claims/create-claims.js";
import { claimStoreFor, dependencyStoreFor, isPostgres, lockFor } from "./store/open-store.js";
import { SqliteTaskIndex } from "./store/task-index-store.js";
import { MirroredClaimStore } from "./claims/mirrored-claim-store.js";
import { TaskMirror } from "./services/task-mirror.js";
import { claimFields, type ClaimGuard } from "./tasks/lease-rules.js";
import {
  createDependencyServices,
  type DependencyServices,
} from "./dependencies/create-dependencies.js";

export interface Services {
  db: Db;
  gateway: IssueGateway;
  blocks: MetadataBlocks;
  agents: AgentService;
  projects: ProjectService;
  tasks: TaskService;
  history: TaskHistory;
  links: LinkService;
  subIssues: SubIssueGateway;
  chains: ChainService;
  idempotency: SqliteIdempotencyStore;
  /** Held across replicas on PostgreSQL; in process only on SQLite. */
  lock: DistributedLock;
  journal: SqliteJournal;
  guard: DuplicateGuard;
  events: EventServices;
  claims: ClaimServices;
  dependencies: DependencyServices;
  mirror: TaskMirror;
}

type LogLine = (message: string, details?: Record<string, unknown>) => void;
/** Where services report: `warn` for what an operator should see, `info` for routine steps. */
export interface ServiceLog {
  info: LogLine;
  warn: LogLine;
}

/** Wires the services together; the only place that knows every concrete class. */
export async function createServices(
  config: Config,
  db: Db,
  octokit: () => Promise<Octokit>,
  log?: ServiceLog,
): Promise<Services> {
  const github = createGitHub(config, db, octokit);
  // Tasks and claims need each other: the claim service is made below, after the relay.
  const core = await createTaskCore(config, db, github, log, {
    checkWrite: (caller, id) => claims.claims.checkWrite(caller, id),
    closed: (id, agentId, reason) => claims.claims.closed(id, agentId, reason),
  });
  const { tasks, dependencies, taskIndex, claimStore, journal, projects } = core;
  const events = createEventServices(config, db, {
    agents: core.agents,
    tasks,
    projects,
    journal,
    log: log?.warn,
  });
  // task.chain_completed goes out through the relay, like every other task event.
  const system = { id: "baton", role: "admin" as const };
  const chains = new ChainService({
    tasks,
    gateway: github.gateway,
    subIssues: github.subIssues,
    journal,
    events: relayChainEvents(events.relay, (id) => tasks.get(system, id)),
    mirror: core.mirror,
    log: log?.info,
  });
  const claims = createClaimServices(config, {
    store: claimStore,
    index: taskIndex,
    tasks,
    projects,
    gateway: github.gateway,
    relay: events.relay,
    blocked: (id) => dependencies.dependencies.isBlocked(id),
    log: log?.warn,
  });
  core.connectDependencies({
    tasks,
    relay: events.relay,
    view: (id) => {
      const [task] = taskIndex.tasks([id]);
      return task && { ...task, ...claimFields(claimStore.get(id), Date.now()) };
    },
  });
  return {
    gateway: github.gateway,
    blocks: github.blocks,
    subIssues: github.subIssues,
    claims,
    dependencies,
    mirror: core.mirror,
    db,
    agents: core.agents,
    projects,
    tasks,
    history: new TaskHistory({
      tasks,
      gateway: github.gateway,
      journal,
      blocks: github.blocks,
      appId: () => config.github.appId,
    }),
    links: new LinkService(tasks),
    chains,
    idempotency: new SqliteIdempotencyStore(db),
    lock: core.lock,
    journal,
    guard: core.guard,
    events,
  };
}

/** The GitHub side: the task repository's issues and sub-issues, as Baton reads and writes them. */
function createGitHub(config: Config, db: Db, octokit: () => Promise<Octokit>) {
  const repo = { owner: config.github.owner, repo: config.github.repo, octokit };
  // Every issue Baton reads shows the metadata block Baton last wrote (docs/trust.md).
  const blocks = new MetadataBlocks({
    store: new SqliteBlockStore(db),
    appId: () => config.github.appId,
  });
  const gateway = new IssueGateway({ ...repo, blocks });
  return {
    octokit,
    blocks,
    gateway,
    subIssues: new SubIssueGateway({ ...repo, issues: gateway }),
    changes: new RecentChanges(repo),
  };
}

/** The task service and what it stands on: agents, projects, journal, dedup, mirror, claims store. */
async function createTaskCore(
  config: Config,
  db: Db,
  github: ReturnType<typeof createGitHub>,
  log: ServiceLog | undefined,
  claimGuard: ClaimGuard,
) {
  const { gateway } = github;
  const agents = new AgentService({
    store: new SqliteAgentStore(db),
    pepper: keyPepper(db, config.keyPepper),
  });
  const projects = new ProjectService(gateway, new SqliteProjectOrderStore(db));
  const journal = new SqliteJournal(db);
  // Replicas (PostgreSQL): what one process serialises is serialised across all of them.
  const lock = lockFor(db);
  // Dependencies (issue #17): the index unblocks the tasks a closing task held up.
  const wiring = createDependencyServices(config, {
    octokit: github.octokit,
    issues: gateway,
    store: dependencyStoreFor(db),
    index: new SqliteTaskIndex(db),
    journal,
    log: log?.warn,
  });
  const dependencies = wiring.services;
  const taskIndex = dependencies.index;
  // Each dedup decision also counts what other replicas wrote into the shared task index. On
  // SQLite this process is the task index's only writer, and its writes and webhooks reach the
  // dedup index directly: reading them back would cost every create a query for nothing.
  const guard = new DuplicateGuard(
    await DedupService.create({ ...config.dedup, store: new DedupStore(db) }),
    lock,
    isPostgres(db) ? taskIndex : undefined,
  );
  const claimStore = new MirroredClaimStore(claimStoreFor(db), taskIndex);
  // Reads are answered from the mirror; it is filled and refreshed through the task service.
  const mirror: TaskMirror = new TaskMirror({
    index: taskIndex,
    listIssues: (state) => gateway.listIssues({ state }),
    getIssue: (id) => gateway.getIssue(id),
    reindex: (issue): Promise<void> => tasks.reindex(issue),
  });
  const tasks: TaskService = new TaskService({
    mirror,
    claims: {
      index: taskIndex,
      claimFields: (id) => claimFields(claimStore.get(id), Date.now()),
      claimGuard,
    },
    dependencies: {
      fields: (id) => dependencies.dependencies.fields(id),
      reconcile: (issue) => dependencies.dependencies.reconcile(issue),
    },
    guard,
    gateway,
    changes: github.changes,
    subIssues: github.subIssues,
    maxDepth: config.tasks.maxDepth,
    lock,
    agents,
    projects,
    journal,
    appId: () => config.github.appId,
  });
  return {
    agents,
    projects,
    journal,
    lock,
    guard,
    dependencies,
    taskIndex,
    claimStore,
    mirror,
    tasks,
    connectDependencies: wiring.connect,
  };
}
