import type { Config } from "./config.js";
import type { ServiceLog, Services } from "./create-services.js";
import { baseLabels } from "./tasks/labels.js";
import { sharedRead } from "./util/shared-read.js";

const DAY_MS = 86_400_000;

/**
 * What Baton starts once the services exist: the dedup index's sync, the delivery worker, the
 * lease keeper and the ready queue's index, store housekeeping, Baton's labels and the repair of
 * interrupted delegations. None of it blocks the server; GitHub being unreachable at start only
 * delays the last two.
 */
export function startBackgroundWork(config: Config, services: Services, log: ServiceLog): void {
  // The dedup sync, the mirror's refresh and the link repair each need the open issues: one read,
  // not three (started together, each would fetch every page before another cached its ETag).
  const listOpen = sharedRead(() => services.gateway.listIssues({ state: "open" }));
  services.guard.startSync(() => services.tasks.openIssuesForIndex(listOpen));
  services.events.worker.start();
  // Claims: ended leases are released (with task.released) and GitHub shows who holds what.
  services.claims.keeper.start();
  // The task mirror (reads and the ready queue): filled once, refreshed from GitHub at each start.
  services.mirror
    .rebuild(listOpen)
    .then(({ issues, full }) => log.info("task mirror refreshed from GitHub", { issues, full }))
    .catch((error: unknown) =>
      log.warn("could not refresh the task mirror yet; reads ask GitHub until it is filled", {
        err: String(error),
      }),
    );
  services.events.outbox.purgeOlderThan(new Date(Date.now() - 30 * DAY_MS).toISOString());
  services.idempotency.purgeOlderThan(new Date(Date.now() - DAY_MS).toISOString());
  // Labels exist before any task uses them, with fixed colours (GitHub would make grey ones).
  services.gateway
    .ensureLabels(baseLabels(config.tasks.maxDepth).map((l) => l.name))
    .catch((error: unknown) =>
      log.warn("could not create Baton's labels yet; will retry on first use", {
        err: String(error),
      }),
    );
  // Delegation needs the repository's node id (read once) and repairs interrupted links.
  void services.subIssues
    .repositoryId()
    .then(() => services.chains.repairLinks(listOpen))
    .then((repaired) => {
      if (repaired.length > 0) log.info("repaired sub-issue links", { repaired });
    })
    .catch((error: unknown) =>
      log.warn("could not check sub-issue links at start", { err: String(error) }),
    );
}
