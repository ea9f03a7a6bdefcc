import type { Services } from "../create-services.js";
import { releaseOnClose } from "../claims/closed-on-github.js";
import { BlockRestorer } from "../services/block-restorer.js";
import { LabelRefusals } from "../services/label-refusals.js";
import { WebhookRouter } from "./router.js";

/** The router over Baton's services: which service does each step. */
export function createWebhookRouter(
  repository: string,
  services: Services,
  log?: (message: string, details?: Record<string, unknown>) => void,
  turn?: () => Promise<void>,
): WebhookRouter {
  const restorer = new BlockRestorer({
    gateway: services.gateway,
    blocks: services.blocks,
    tasks: services.tasks,
    ...(log ? { log } : {}),
  });
  return new WebhookRouter({
    repository,
    blocks: {
      observe: (webhook) => services.blocks.observe(webhook),
      edited: (webhook) => restorer.edited(webhook),
    },
    caches: {
      reindex: (issue) => services.tasks.reindex(issue),
      forget: (issueNumber) => {
        services.guard.remove(issueNumber);
        services.claims.index.remove(issueNumber);
      },
      forgetLabels: () => services.gateway.forgetLabels(),
      dependencyChanged: (change) => {
        services.dependencies.dependencies.changed(change);
      },
    },
    relay: services.events.relay,
    claims: releaseOnClose({
      claims: services.claims.claims,
      journal: services.journal,
      isTask: (issue) => services.tasks.isTask(issue),
    }),
    chains: services.chains,
    refusals: new LabelRefusals({
      gateway: services.gateway,
      agents: services.agents,
      isTask: (issue) => services.tasks.isTask(issue),
      ...(log ? { log } : {}),
    }),
    ...(log ? { log } : {}),
    ...(turn ? { turn } : {}),
  });
}
