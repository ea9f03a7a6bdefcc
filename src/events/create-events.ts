import type { AgentService } from "../agents/agent-service.js";
import type { Config } from "../config.js";
import type { Db } from "../store/database.js";
import type { Journal } from "../store/journal-store.js";
import type { SqliteOutboxStore } from "../store/outbox-store.js";
import { isPostgres, outboxStoreFor } from "../store/open-store.js";
import { SqliteSubscriptionStore } from "../store/subscription-store.js";
import type { ProjectService } from "../services/project-service.js";
import type { TaskService } from "../services/task-service.js";
import { DEFAULT_RETRY } from "./backoff.js";
import { DeliveryWorker } from "./delivery-worker.js";
import { HttpSender } from "./http-sender.js";
import { EventRelay } from "./relay.js";
import { SubscriptionService } from "./subscription-service.js";

export interface EventServices {
  relay: EventRelay;
  worker: DeliveryWorker;
  subscriptions: SubscriptionService;
  outbox: SqliteOutboxStore;
  sender: HttpSender;
}

export type EventLog = (message: string, details?: Record<string, unknown>) => void;

/** Wires the relay: stores, sender, worker, subscription service. */
export function createEventServices(
  config: Config,
  db: Db,
  deps: {
    agents: AgentService;
    tasks: TaskService;
    projects: ProjectService;
    journal: Journal;
    log?: EventLog;
  },
): EventServices {
  const outbox = outboxStoreFor(db, config.webhooks.leaseSeconds * 1000);
  const subscriptionStore = new SqliteSubscriptionStore(db);
  const sender = new HttpSender({ allowPrivate: config.webhooks.allowPrivate });
  const worker = new DeliveryWorker({
    outbox,
    subscriptions: subscriptionStore,
    sender,
    policy: {
      ...DEFAULT_RETRY,
      baseMs: config.webhooks.retryBaseMs,
      maxAttempts: config.webhooks.maxAttempts,
    },
    disableAfter: config.webhooks.disableAfter,
    concurrency: config.webhooks.concurrency,
    log: deps.log,
    // Replicas: deliveries another replica left due are found within a second.
    pollMs: isPostgres(db) ? 1000 : undefined,
  });
  const relay = new EventRelay({
    outbox,
    subscriptions: subscriptionStore,
    agents: deps.agents,
    tasks: deps.tasks,
    journal: deps.journal,
    appId: () => config.github.appId,
    onEnqueued: () => worker.wake(),
    log: deps.log,
  });
  const subscriptions = new SubscriptionService({
    subscriptions: subscriptionStore,
    outbox,
    projects: deps.projects,
    worker,
    checkUrl: async (url) => {
      const verdict = await sender.check(url);
      return verdict.ok ? { ok: true } : verdict;
    },
  });
  return { relay, worker, subscriptions, outbox, sender };
}
