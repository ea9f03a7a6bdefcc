import type { Config } from "../config.js";
import type { EventRelay } from "../events/relay.js";
import type { IssueGateway } from "../github/issue-gateway.js";
import type { ClaimStore } from "../store/claim-store.js";
import type { TaskIndex } from "../store/task-index-store.js";
import type { ProjectService } from "../services/project-service.js";
import type { TaskService } from "../services/task-service.js";
import { relayClaimEvents } from "./claim-events.js";
import { ClaimService } from "./claim-service.js";
import { FleetAttentionService } from "./fleet-service.js";
import { LeaseKeeper } from "./lease-keeper.js";
import { ReadyQueue } from "./ready-queue.js";

export interface ClaimServices {
  claims: ClaimService;
  ready: ReadyQueue;
  attention: FleetAttentionService;
  keeper: LeaseKeeper;
  store: ClaimStore;
  index: TaskIndex;
}

/** Wires claims, leases, the ready queue and fleet triage (issue #17). */
export function createClaimServices(
  config: Config,
  deps: {
    store: ClaimStore;
    index: TaskIndex;
    tasks: TaskService;
    projects: ProjectService;
    gateway: IssueGateway;
    relay: Pick<EventRelay, "record">;
    /** Dependencies: an open task blocks this one. */
    blocked?: (taskId: number) => boolean;
    log?: ((message: string, details?: Record<string, unknown>) => void) | undefined;
  },
): ClaimServices {
  const events = relayClaimEvents(deps.relay, deps.index);
  const keeper = new LeaseKeeper({
    store: deps.store,
    tasks: deps.tasks,
    gateway: deps.gateway,
    events,
    intervalMs: config.claims.sweepMs,
    log: deps.log,
  });
  const claims = new ClaimService({
    store: deps.store,
    index: deps.index,
    tasks: deps.tasks,
    projects: deps.projects,
    keeper,
    events,
    bounds: config.claims,
    ...(deps.blocked ? { blocked: deps.blocked } : {}),
  });
  const ready = new ReadyQueue({
    index: deps.index,
    store: deps.store,
    projects: deps.projects,
  });
  const attention = new FleetAttentionService({ store: deps.store, index: deps.index });
  return { claims, ready, attention, keeper, store: deps.store, index: deps.index };
}
