import type { Config } from "../config.js";
import type { GitHubRequester } from "../github/issue-gateway.js";
import { HookDeliveries } from "../github/hook-deliveries.js";
import { RecentChanges } from "../github/recent-changes.js";
import { SqliteCatchUpStore } from "../store/catch-up-store.js";
import type { Db } from "../store/database.js";
import type { DistributedLock } from "../store/distributed-lock.js";
import type { Journal } from "../store/journal-store.js";
import type { SqliteOutboxStore } from "../store/outbox-store.js";
import { UNKNOWN_SENDER } from "./catch-up-plan.js";
import { CatchUp } from "./catch-up.js";
import type { Delivery } from "../github/webhook-payloads.js";
import type { TaskState } from "./task-diff.js";

export interface CatchUpDeps {
  db: Db;
  /** Replicas: one catch-up pass at a time across all of them. */
  lock?: DistributedLock;
  outbox: SqliteOutboxStore;
  journal: Journal;
  /** The App's own client (JWT): the webhook deliveries belong to the App, not an installation. */
  appOctokit: () => Promise<GitHubRequester>;
  /** The installation's client, for reading the task repository. */
  octokit: () => Promise<GitHubRequester>;
  /** Runs every webhook handler, as a delivery from GitHub would (Probot's `app.receive`). */
  receive: (webhook: Delivery) => Promise<void>;
  log: (message: string, details?: Record<string, unknown>) => void;
}

/** Wires catch-up (DESIGN §6a) to GitHub, the store and the App's webhook handlers. */
export function createCatchUp(config: Config, deps: CatchUpDeps): CatchUp {
  const { owner, repo } = config.github;
  return new CatchUp({
    deliveries: new HookDeliveries(deps.appOctokit),
    changes: new RecentChanges({ owner, repo, octokit: deps.octokit }),
    store: new SqliteCatchUpStore(deps.db),
    receive: deps.receive,
    seen: (issue) => {
      const snapshot = deps.outbox.snapshot(issue);
      if (!snapshot) return undefined;
      const state = JSON.parse(snapshot.task) as TaskState;
      return { updated_at: snapshot.updated_at, closed: state.deleted || state.task.completed };
    },
    // Baton's own write (its journal knows the agent); otherwise a person we cannot name.
    changedBy: (issue) =>
      deps.journal.writerOf(issue.number, issue.updated_at, 0)
        ? { login: "baton[bot]", type: "Bot" }
        : UNKNOWN_SENDER,
    envelope: {
      repository: { full_name: `${owner}/${repo}`, name: repo, owner: { login: owner } },
    },
    log: deps.log,
    lock: deps.lock,
  });
}
