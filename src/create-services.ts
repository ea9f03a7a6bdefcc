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
import { claimStoreFor, dependencyStoreFor, lockFor } from "./store/open-store.js";
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
  // Every issue Baton reads shows the metadata block Baton last wrote (docs/trust.md).
  const blocks = new MetadataBlocks({
    store: new SqliteBlockStore(db),
    appId: () => config.github.appId,
  });
  const gateway = new IssueGateway({
    owner: config.github.owner,
    repo: config.github.repo,
    octokit,
    blocks,
  });
  const agents = new AgentService({
    store: new SqliteAgentStore(db),
    pepper: keyPepper(db, config.keyPepper),
  });
  const projects = new ProjectService(gateway, new SqliteProjectOrderStore(db));
  const journal = new SqliteJournal(db);
  // Replicas (PostgreSQL): what one process serialises is serialised across all of them.
  const lock = lockFor(db);
  const guard = new DuplicateGuard(
    await DedupService.create({ ...config.dedup, store: new DedupStore(db) }),
    lock,
  );
  const subIssues = new SubIssueGateway({
    owner: config.github.owner,
    repo: config.github.repo,
    octokit,
    issues: gateway,
  });
  // Dependencies (issue #17): the index unblocks the tasks a closing task held up.
  const wiring = createDependencyServices(config, {
    octokit,
    issues: gateway,
    store: dependencyStoreFor(db),
    index: new SqliteTaskIndex(db),
    journal,
    log: log?.warn,
  });
  const dependencies = wiring.services;
  const taskIndex = dependencies.index;
  const claimStore = new MirroredClaimStore(claimStoreFor(db), taskIndex);
  // Reads are answered from the mirror; it is filled and refreshed through the task service.
  const mirror: TaskMirror = new TaskMirror({
    index: taskIndex,
    listIssues: (state) => gateway.listIssues({ state }),
    getIssue: (id) => gateway.getIssue(id),
    reindex: (issue): Promise<void> => tasks.reindex(issue),
  });
  // Tasks and claims need each other: the claim service is made below, after the relay.
  const claimGuard: ClaimGuard = {
    checkWrite: (caller, id) => claims.claims.checkWrite(caller, id),
    closed: (id, agentId, reason) => claims.claims.closed(id, agentId, reason),
  };
  const tasks = new TaskService({
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
    changes: new RecentChanges({
      owner: config.github.owner,
      repo: config.github.repo,
      octokit,
    }),
    subIssues,
    maxDepth: config.tasks.maxDepth,
    lock,
    agents,
    projects,
    journal,
    appId: () => config.github.appId,
  });
  const events = createEventServices(config, db, {
    agents,
    tasks,
    projects,
    journal,
    log: log?.warn,
  });
  // task.chain_completed goes out through the relay, like every other task event.
  const system = { id: "baton", role: "admin" as const };
  const chains = new ChainService({
    tasks,
    gateway,
    subIssues,
    journal,
    events: relayChainEvents(events.relay, (id) => tasks.get(system, id)),
    log: log?.info,
  });
  const claims = createClaimServices(config, {
    store: claimStore,
    index: taskIndex,
    tasks,
    projects,
    gateway,
    relay: events.relay,
    blocked: (id) => dependencies.dependencies.isBlocked(id),
    log: log?.warn,
  });
  wiring.connect({
    tasks,
    relay: events.relay,
    view: (id) => {
      const [task] = taskIndex.tasks([id]);
      return task && { ...task, ...claimFields(claimStore.get(id), Date.now()) };
    },
  });
  return {
    claims,
    dependencies,
    mirror,
    db,
    gateway,
    blocks,
    agents,
    projects,
    tasks,
    history: new TaskHistory({
      tasks,
      gateway,
      journal,
      blocks,
      appId: () => config.github.appId,
    }),
    links: new LinkService(tasks),
    subIssues,
    chains,
    idempotency: new SqliteIdempotencyStore(db),
    lock,
    journal,
    guard,
    events,
  };
}
