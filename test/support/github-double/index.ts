// The in-memory GitHub API double: REST under /api/v3, GraphQL at /api/graphql (GHES layout),
// signed webhooks back to the App, injectable faults. See README.md.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { handleApi } from "./api-handler.ts";
import type { DoubleContext } from "./context.ts";
import { handleControl } from "./control.ts";
import { FaultSet } from "./faults.ts";
import { readRaw, sendJson } from "./http-util.ts";
import { People } from "./people.ts";
import { RateLimiter } from "./rate-limit.ts";
import { appRoutes } from "./rest-app.ts";
import { commentRoutes } from "./rest-comments.ts";
import { dependencyRoutes } from "./rest-dependencies.ts";
import { issueRoutes } from "./rest-issues.ts";
import { labelRoutes } from "./rest-labels.ts";
import { RestRouter } from "./rest-router.ts";
import { subIssueRoutes } from "./rest-sub-issues.ts";
import { hookDeliveryRoutes } from "./rest-hook-deliveries.ts";
import { REPOSITORY_ID, repositoryJson } from "./serialize.ts";
import { DoubleState } from "./state.ts";
import type { GitHubDouble, GitHubDoubleOptions } from "./types.ts";
import { Urls } from "./urls.ts";
import { WebhookQueue } from "./webhook-queue.ts";

export type {
  Fault,
  GitHubDouble,
  GitHubDoubleOptions,
  RequestLogEntry,
  WebhookDelivery,
} from "./types.ts";
export { DoubleState } from "./state.ts";
export type { CommentRecord, IssueRecord, LabelRecord } from "./state.ts";
export { encodeNodeId, decodeNodeId } from "./node-id.ts";

function parseRepo(repo: string): { owner: string; name: string } {
  const [owner, name, ...rest] = repo.split("/");
  if (!owner || !name || rest.length > 0)
    throw new Error(`repo must be "owner/name", got "${repo}"`);
  return { owner, name };
}

export async function startGitHubDouble(options: GitHubDoubleOptions): Promise<GitHubDouble> {
  const { owner, name } = parseRepo(options.repo);
  const appId = options.appId ?? 1;
  const state = new DoubleState(owner, name);
  const router = new RestRouter();
  router.add(
    ...appRoutes,
    ...hookDeliveryRoutes,
    ...issueRoutes,
    ...commentRoutes,
    ...labelRoutes,
    ...subIssueRoutes,
    ...dependencyRoutes,
  );
  const faults = new FaultSet();
  const webhooks = new WebhookQueue({
    url: options.webhookUrl,
    secret: options.webhookSecret,
    appId,
    hookId: 100_000 + appId,
    installationId: options.installationId ?? 1,
    repositoryId: REPOSITORY_ID,
  });
  // Filled in once listening: URLs need the port the OS picked.
  const live: { ctx?: DoubleContext; double?: GitHubDouble } = {};

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readRaw(req);
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
      const { ctx, double } = live;
      if (!ctx || !double) return sendJson(res, 503, { message: "Starting" });
      if (url.pathname.startsWith("/_double/"))
        return handleControl(double, req, res, url.pathname, raw);
      return webhooks.during(res, () =>
        handleApi(
          { ctx, router, faults, rate, log: double.requests, latencyMs: options.latencyMs ?? 0 },
          req,
          res,
          url,
          raw,
        ),
      );
    })().catch((error: unknown) => {
      console.error("[github-double] request failed", error);
      if (!res.headersSent) sendJson(res, 500, { message: "Server Error" });
    });
  });
  const rate = new RateLimiter();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  const urls = new Urls(host, owner, name);
  const people = new People(
    {
      owner,
      collaborators: options.collaborators ?? [],
      appId,
      appSlug: options.appSlug ?? "baton",
    },
    urls,
  );
  const context: DoubleContext = {
    state,
    urls,
    people,
    webhooks,
    app: {
      appId,
      appSlug: options.appSlug ?? "baton",
      installationId: options.installationId ?? 1,
      createdAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    },
    emit: (event) => {
      const payload: Record<string, unknown> = { action: event.action, ...event.payload };
      payload.repository = repositoryJson(context);
      payload.sender = people.user(people.loginOf(event.actor));
      payload.installation = {
        id: context.app.installationId,
        node_id: Buffer.from(`installation:${context.app.installationId}`).toString("base64url"),
      };
      webhooks.enqueue({
        event: event.event,
        ...(event.action !== undefined ? { action: event.action } : {}),
        payload,
      });
    },
  };
  live.ctx = context;

  const requests: GitHubDouble["requests"] = [];
  const double: GitHubDouble = {
    url: `http://${host}`,
    host,
    port,
    requests,
    resetRequests: () => {
      requests.length = 0;
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    setWebhookUrl: (url) => {
      webhooks.url = url;
    },
    webhookDeliveries: webhooks.deliveries,
    waitForWebhooksIdle: () => webhooks.whenIdle(),
    state,
    close: async () => {
      await webhooks.whenIdle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  live.double = double;
  return double;
}
