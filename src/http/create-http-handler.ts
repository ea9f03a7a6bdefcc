import type { IncomingMessage, ServerResponse } from "node:http";
import express from "express";
import type { Caller } from "../tasks/access.js";
import type { IdempotencyStore } from "../idempotency.js";
import type { ApiActivity } from "../util/api-activity.js";
import type { DistributedLock } from "../store/distributed-lock.js";
import { errors } from "../errors.js";
import { buildRouter, errorMiddleware } from "./express-adapter.js";
import { buildOpenApi } from "./openapi.js";
import type { AnyRoute } from "./route.js";
import { perAgentRateLimit } from "./rate-limit.js";
import { anonymousRateLimit, jsonBody } from "./request-guards.js";

export interface HttpOptions {
  routes: AnyRoute[];
  authenticate: (req: express.Request) => Caller;
  idempotency: IdempotencyStore;
  /** Replicas: an Idempotency-Key is handled by one replica at a time. */
  keyLock?: DistributedLock;
  maxBody: string;
  rateLimitPerMinute: number;
  /** Requests without a valid key, per client address. */
  anonRateLimitPerMinute: number;
  version: string;
  /** BATON_GITHUB_TIMEOUT_S: one deadline for all the GitHub calls of a request. */
  githubBudgetSeconds?: number;
  health: () => Record<string, unknown>;
  /** Counts the requests in flight, which webhooks let go first. */
  activity?: ApiActivity;
  /** Index upkeep after a write waits for its answer (one process per store; see AdapterOptions). */
  answerFirst?: boolean;
  log: (error: unknown) => void;
}

/**
 * The REST facade as a Probot `addHandler` handler. It answers `/health`, `/v1/*` and `/api/*`
 * and hands anything else back to Probot. Probot's own webhook route runs before it, and the JSON
 * parser is mounted on the API router only, so webhooks keep their raw body.
 */
export function createHttpHandler(options: HttpOptions) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  // A request's deadline counts from its arrival (body parsing and waits included).
  app.use((_req, res, next) => {
    res.locals.startedAt = performance.now();
    options.activity?.track(res);
    next();
  });
  const health = (_req: express.Request, res: express.Response) =>
    void res.json({ status: "ok", ...options.health() });
  app.get("/health", health);

  const openapi = buildOpenApi(options.routes, options.version);
  const api = express.Router();
  // Who is calling is settled first: requests without a valid key are limited per address before
  // any other work (a wrong key is answered 401 by the route itself).
  const anonymousLimit = anonymousRateLimit(options.anonRateLimitPerMinute);
  api.use((req, res, next) => {
    try {
      res.locals.caller = options.authenticate(req);
    } catch {
      // not an agent: counted per address below
    }
    if (res.locals.caller) return next();
    return anonymousLimit(req, res, next);
  });
  api.use(jsonBody(options.maxBody));
  api.get("/openapi.json", (_req, res) => void res.json(openapi));
  // Delega's CLI asks for `{prefix}/health` when its URL ends in /api.
  api.get("/health", health);
  api.use(
    buildRouter({
      routes: options.routes,
      authenticate: options.authenticate,
      idempotency: options.idempotency,
      keyLock: options.keyLock,
      afterAuth: perAgentRateLimit(options.rateLimitPerMinute),
      githubBudgetSeconds: options.githubBudgetSeconds,
      answerFirst: options.answerFirst,
      log: options.log,
    }),
  );
  api.use((req, _res, next) =>
    next(errors.notFound("route_not_found", `No route ${req.method} ${req.baseUrl}${req.path}`)),
  );
  api.use(errorMiddleware(options.log));
  app.use("/v1", api);
  app.use("/api", api);
  app.use(errorMiddleware(options.log));

  return (req: IncomingMessage, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      res.once("finish", () => resolve(true));
      res.once("close", () => resolve(true));
      app(req as express.Request, res as express.Response, () => resolve(false));
    });
}
