import type { ApplicationFunction, Probot } from "probot";
import type { Config } from "./config.js";
import { authenticator } from "./http/auth.js";
import { createHttpHandler } from "./http/create-http-handler.js";
import { agentRoutes } from "./http/routes/agent-routes.js";
import { chainRoutes } from "./http/routes/chain-routes.js";
import { projectRoutes } from "./http/routes/project-routes.js";
import { taskRoutes } from "./http/routes/task-routes.js";
import { webhookRoutes } from "./http/routes/webhook-routes.js";
import type { Octokit } from "./github/octokit.js";
import { createMcpHttpHandler } from "./mcp/http-handler.js";
import { installationOctokit } from "./github/installation.js";
import { IssuesPayloadSchema, SubIssuesPayloadSchema } from "./github/webhook-payloads.js";
import type { Db } from "./store/database.js";
import { createServices, type ServiceLog } from "./services.js";
import { baseLabels } from "./tasks/labels.js";
import { VERSION } from "./version.js";
import { GitHubIssueSchema } from "./github/github-types.js";

/** The Probot app: the REST facade plus the webhook handlers. Wiring only. */
export function createBatonApp(config: Config, db: Db): ApplicationFunction {
  return async (app: Probot, { addHandler }) => {
    const octokit: () => Promise<Octokit> = installationOctokit(
      app,
      config.github.owner,
      config.github.repo,
    );
    // Warnings from the services (a subscription disabled, a dropped untrusted change) stay
    // warnings; the chain's routine roll-ups log at info.
    const log: ServiceLog = {
      info: (message, details) => app.log.info(details ?? {}, message),
      warn: (message, details) => app.log.warn(details ?? {}, message),
    };
    const services = await createServices(config, db, octokit, log);
    const routes = [
      ...taskRoutes(services.tasks),
      ...chainRoutes(services.tasks, services.chains),
      ...agentRoutes(services.agents),
      ...projectRoutes(services.projects),
      ...webhookRoutes(services.events.subscriptions),
    ];
    addHandler(
      createHttpHandler({
        routes,
        authenticate: authenticator(services.agents),
        idempotency: services.idempotency,
        maxBody: config.server.maxBody,
        rateLimitPerMinute: config.server.rateLimitPerMinute,
        anonRateLimitPerMinute: config.server.anonRateLimitPerMinute,
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
        anonRateLimitPerMinute: config.server.anonRateLimitPerMinute,
        log: (error) => app.log.error({ err: error }, "MCP request failed"),
      }),
    );

    // The App may be installed on other repositories too: only the task repository's webhooks count.
    const ours = (fullName: string | undefined) =>
      fullName?.toLowerCase() === `${config.github.owner}/${config.github.repo}`.toLowerCase();
    const on: typeof app.on = (events, handler) =>
      app.on(events, async (context) => {
        const repository = (context.payload as { repository?: { full_name?: string } }).repository;
        if (ours(repository?.full_name)) await handler(context);
      });

    // The dedup index follows every change to an issue, whoever made it (DESIGN §5).
    on(
      [
        "issues.opened",
        "issues.edited",
        "issues.reopened",
        "issues.closed",
        "issues.labeled",
        "issues.unlabeled",
      ],
      async (context) => {
        await services.tasks.reindex(GitHubIssueSchema.parse(context.payload.issue));
      },
    );
    on(["issues.deleted", "issues.transferred"], async (context) => {
      services.guard.remove(context.payload.issue.number);
    });

    // A label edited or deleted on github.com: re-read the label set on next use.
    on("label", async (context) => {
      if (context.payload.sender?.type !== "Bot") services.gateway.forgetLabels();
    });

    services.guard.startSync(() => services.tasks.openIssuesForIndex());
    // Task events (DESIGN §6): accepted into the outbox before GitHub gets its 2xx.
    on(["issues", "issue_comment", "sub_issues"], async (context) => {
      await services.events.relay.ingest({
        id: context.id,
        name: context.name,
        payload: context.payload,
      });
    });
    services.events.worker.start();
    services.events.outbox.purgeOlderThan(new Date(Date.now() - 30 * 86_400_000).toISOString());

    // Delegation lifecycle: driven by GitHub's webhooks so people on github.com take part too.
    on(["issues.opened", "issues.closed", "issues.reopened"], async (context) => {
      const parsed = IssuesPayloadSchema.safeParse(context.payload);
      if (!parsed.success) return app.log.warn({ err: parsed.error }, "unreadable issues payload");
      const payload = parsed.data;
      if (context.payload.action === "opened") await services.chains.issueOpened(payload.issue);
      else if (context.payload.action === "closed")
        await services.chains.issueClosed(payload.issue);
      else await services.chains.issueReopened(payload.issue);
    });
    on("sub_issues", async (context) => {
      const parsed = SubIssuesPayloadSchema.safeParse(context.payload);
      if (!parsed.success)
        return app.log.warn({ err: parsed.error }, "unreadable sub_issues payload");
      const payload = parsed.data;
      // GitHub describes one link twice (sub_issue_* from the parent, parent_issue_* from the
      // child): act on one, or every link is synced twice.
      if (!payload.action.startsWith("sub_issue_")) return;
      const repo = payload.sub_issue_repo ?? payload.repository;
      if (!ours(repo?.full_name) || !ours((payload.parent_issue_repo ?? repo)?.full_name)) return;
      await services.chains.linkChanged({
        added: payload.action === "sub_issue_added",
        parent: payload.parent_issue.number,
        child: payload.sub_issue.number,
      });
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
    // Delegation needs the repository's node id (read once) and repairs interrupted links.
    void services.subIssues
      .repositoryId()
      .then(() => services.chains.repairLinks())
      .then((repaired) => {
        if (repaired.length > 0) log.info("repaired sub-issue links", { repaired });
      })
      .catch((error: unknown) =>
        app.log.warn({ err: error }, "could not check sub-issue links at start"),
      );
  };
}
