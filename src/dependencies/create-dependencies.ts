import type { Config } from "../config.js";
import type { EventRelay } from "../events/relay.js";
import { DependencyGateway } from "../github/dependency-gateway.js";
import type { GitHubRequester } from "../github/github-boundary.js";
import type { IssueGateway } from "../github/issue-gateway.js";
import type { DependencyStore } from "../store/dependency-store.js";
import type { Journal } from "../store/journal-store.js";
import type { TaskIndex } from "../store/task-index-store.js";
import type { TaskService } from "../services/task-service.js";
import type { Task } from "../tasks/task-schema.js";
import { relayDependencyEvents } from "./dependency-events.js";
import { DependencyService, type DependencyTasks } from "./dependency-service.js";
import { UnblockTracker } from "./unblock-tracker.js";
import { UnblockingIndex } from "./unblocking-index.js";

export interface DependencyServices {
  dependencies: DependencyService;
  /** The ready queue's index that unblocks the tasks a closing task held up. */
  index: TaskIndex;
}

/**
 * Wires dependencies (issue #17). Made before the task service and the relay, which need it and
 * which it needs: `late` is filled in once they exist (nothing runs before that).
 */
export function createDependencyServices(
  config: Config,
  deps: {
    octokit: () => Promise<GitHubRequester>;
    issues: IssueGateway;
    store: DependencyStore;
    index: TaskIndex;
    journal: Pick<Journal, "record" | "writerOf" | "wroteRecently">;
    log?: ((message: string, details?: Record<string, unknown>) => void) | undefined;
  },
) {
  const late: {
    tasks?: TaskService;
    relay?: Pick<EventRelay, "record">;
    view?: (taskId: number) => Task | undefined;
  } = {};
  const events = relayDependencyEvents({ record: (input) => late.relay!.record(input) }, (id) =>
    late.view?.(id),
  );
  const tracker = new UnblockTracker(deps.store, events);
  const index = new UnblockingIndex(deps.index, deps.store, tracker);
  const { owner, repo } = config.github;
  const github = new DependencyGateway({ owner, repo, octokit: deps.octokit, issues: deps.issues });
  const tasks: DependencyTasks = {
    load: (caller, id, need) => late.tasks!.load(caller, id, need),
    locked: (id, work) => late.tasks!.locked(id, work),
    isTask: (issue) => late.tasks!.isTask(issue),
  };
  const dependencies = new DependencyService({
    owner,
    repo,
    tasks,
    issues: deps.issues,
    github,
    store: deps.store,
    index,
    tracker,
    journal: deps.journal,
    log: deps.log,
  });
  return {
    services: { dependencies, index } satisfies DependencyServices,
    /** Completes the wiring once the task service, the relay and the task view exist. */
    connect(parts: Required<typeof late>): void {
      Object.assign(late, parts);
    },
  };
}
