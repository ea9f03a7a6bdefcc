import type { ApplicationFunction, Probot } from "probot";
import type { Config } from "./config.js";
import { authenticator } from "./http/auth.js";
import { createHttpHandler } from "./http/create-http-handler.js";
import { agentRoutes } from "./http/routes/agent-routes.js";
import { projectRoutes } from "./http/routes/project-routes.js";
import { taskRoutes } from "./http/routes/task-routes.js";
import type { Octokit } from "./github/octokit.js";
import { createMcpHttpHandler } from "./mcp/http-handler.js";
import { installationOctokit } from "./github/installation.js";
import type { Db } from "./store/database.js";
import { createServices } from "./services.js";
import { baseLabels } from "./tasks/labels.js";
import { VERSION } from "./version.js";

/** The Probot app: the REST facade plus the webhook handlers. Wiring only. */
export function createBatonApp(config: Config, db: Db): ApplicationFunction {
  return async (app: Probot, { addHandler }) => {
    const octokit: () => Promise<Octokit> = installationOctokit(
      app,
      config.github.owner,
      config.github.repo,
    );
    const services = createServices(config, db, octokit);
    const routes = [
      ...taskRoutes(services.tasks),
      ...agentRoutes(services.agents),
      ...projectRoutes(services.projects),
    ];
    addHandler(
      createHttpHandler({
        routes,
        authenticate: authenticator(services.agents),
        idempotency: services.idempotency,
        maxBody: config.server.maxBody,
        rateLimitPerMinute: config.server.rateLimitPerMinute,
        version: VERSION,
        health: () => ({ version: VERSION, repo: `${config.github.owner}/${config.github.repo}` }),
        log: (error) => app.log.error({ err: error }, "request failed"),
      }),
    );

    // MCP over streamable HTTP at /mcp, for the agent whose key the request carries.
    addHandler(
      createMcpHttpHandler({
        authenticate: authenticator(services.agents),
        maxBody: config.server.maxBody,
        log: (error) => app.log.error({ err: error }, "MCP request failed"),
      }),
    );

    // A label edited or deleted on github.com: re-read the label set on next use.
    app.on("label", async (context) => {
      if (context.payload.sender?.type !== "Bot") services.gateway.forgetLabels();
    });

    services.idempotency.purgeOlderThan(new Date(Date.now() - 24 * 3600_000).toISOString());
    // Labels exist before any task uses them, with fixed colours (GitHub would make grey ones).
    services.gateway
      .ensureLabels(baseLabels(config.tasks.maxDepth).map((l) => l.name))
      .catch((error: unknown) =>
        app.log.warn(
          { err: error },
          "could not create Baton's labels yet; will retry on first use",
        ),
      );
  };
}
