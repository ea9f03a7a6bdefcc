import type { ApplicationFunction, Probot } from "probot";
import type { Config } from "./config.js";
import { installationOctokit } from "./github/installation.js";
import { authenticator } from "./http/auth.js";
import { createHttpHandler } from "./http/create-http-handler.js";
import { agentRoutes } from "./http/routes/agent-routes.js";
import { openTaskCounts } from "./http/routes/open-task-counts.js";
import { subtaskRoutes } from "./http/routes/subtask-routes.js";
import { chainRoutes } from "./http/routes/chain-routes.js";
import { historyRoutes } from "./http/routes/history-routes.js";
import { claimRoutes } from "./http/routes/claim-routes.js";
import { dependencyRoutes } from "./http/routes/dependency-routes.js";
import { fleetRoutes } from "./http/routes/fleet-routes.js";
import { linkRoutes } from "./http/routes/link-routes.js";
import { projectRoutes } from "./http/routes/project-routes.js";
import { taskRoutes } from "./http/routes/task-routes.js";
import { webhookRoutes } from "./http/routes/webhook-routes.js";
import { createMcpHttpHandler } from "./mcp/http-handler.js";
import { createServices, type ServiceLog } from "./create-services.js";
import { startBackgroundWork } from "./startup.js";
import type { Db } from "./store/database.js";
import { isPostgres } from "./store/open-store.js";
import { ApiActivity } from "./util/api-activity.js";
import { VERSION } from "./version.js";
import { createCatchUp } from "./events/create-catch-up.js";
import { createWebhookRouter } from "./webhooks/create-router.js";

/** How long a webhook waits for the API requests in flight (GitHub waits 10 s per delivery). */
const WEBHOOK_MAX_YIELD_MS = 25;

/**
 * The Probot app: the REST facade, MCP, the one webhook router, background work. Wiring only.
 * `listening` resolves once the server accepts GitHub's webhooks.
 */
export function createBatonApp(
  config: Config,
  db: Db,
  listening?: Promise<void>,
): ApplicationFunction {
  return async (app: Probot, { addHandler }) => {
    const { owner, repo } = config.github;
    // Service warnings (a subscription disabled, a dropped untrusted change) stay warnings;
    // the chain's routine roll-ups log at info.
    const log: ServiceLog = {
      info: (message, details) => app.log.info(details ?? {}, message),
      warn: (message, details) => app.log.warn(details ?? {}, message),
    };
    const octokit = installationOctokit(app, owner, repo);
    const services = await createServices(config, db, octokit, log);
    const authenticate = authenticator(services.agents);
    const activity = new ApiActivity({ maxWaitMs: WEBHOOK_MAX_YIELD_MS });
    addHandler(
      createHttpHandler({
        routes: [
          // Before the task routes: `/tasks/ready` is not a task id.
          ...claimRoutes(services.claims.claims, services.claims.ready),
          ...taskRoutes(services.tasks),
          ...dependencyRoutes(services.dependencies.dependencies),
          ...chainRoutes(services.tasks, services.chains),
          ...historyRoutes(services.history),
          ...subtaskRoutes(services.tasks),
          ...linkRoutes(services.links),
          ...fleetRoutes(services.claims.attention),
          ...agentRoutes(services.agents, () => openTaskCounts(services.tasks), services.projects),
          ...projectRoutes(services.projects),
          ...webhookRoutes(services.events.subscriptions),
        ],
        authenticate,
        idempotency: services.idempotency,
        keyLock: isPostgres(db) ? services.lock : undefined,
        maxBody: config.server.maxBody,
        rateLimitPerMinute: config.server.rateLimitPerMinute,
        anonRateLimitPerMinute: config.server.anonRateLimitPerMinute,
        version: VERSION,
        githubBudgetSeconds: config.github.timeoutSeconds,
        health: () => ({ version: VERSION, repo: `${owner}/${repo}` }),
        activity,
        answerFirst: !isPostgres(db),
        log: (error) => app.log.error({ err: error }, "request failed"),
      }),
    );
    // MCP over streamable HTTP at /mcp, for the agent whose key the request carries.
    addHandler(
      createMcpHttpHandler({
        authenticate,
        maxBody: config.server.maxBody,
        anonRateLimitPerMinute: config.server.anonRateLimitPerMinute,
        log: (error) => app.log.error({ err: error }, "MCP request failed"),
      }),
    );
    const router = createWebhookRouter(`${owner}/${repo}`, services, log.warn, () =>
      activity.quiet(),
    );
    app.onAny(({ id, name, payload }) => router.receive({ id, name, payload }));
    startBackgroundWork(config, services, log);
    // DESIGN §6a: what GitHub sent while Baton was down (or failing) is replayed through the
    // router above (app.receive), at start and every BATON_CATCHUP_INTERVAL_S.
    const catchUp = createCatchUp(config, {
      db,
      lock: services.lock,
      outbox: services.events.outbox,
      journal: services.journal,
      appOctokit: () => app.auth(),
      octokit,
      receive: (webhook) => app.receive(webhook as Parameters<typeof app.receive>[0]),
      log: log.warn,
    });
    catchUp.start(config.catchUp.intervalSeconds * 1000);
    // The pass above runs while the server is still starting: what GitHub sent after it listed the
    // deliveries, and before the server listened, failed too (with BATON_CATCHUP_INTERVAL_S=0 it
    // would wait for the next start). One more pass once webhooks can arrive.
    void listening
      ?.then(() => catchUp.runAgain())
      .catch((error: unknown) =>
        log.warn("catch-up failed; will try again", { error: String(error) }),
      );
  };
}
