import type { IncomingMessage, ServerResponse } from "node:http";
import express from "express";
import type { Caller } from "../tasks/access.js";
import type { IdempotencyStore } from "../store/idempotency-store.js";
import { errors } from "../errors.js";
import { buildRouter, errorMiddleware } from "./express-adapter.js";
import { buildOpenApi } from "./openapi.js";
import type { AnyRoute } from "./route.js";
import { perAgentRateLimit } from "./rate-limit.js";

export interface HttpOptions {
  routes: AnyRoute[];
  authenticate: (req: express.Request) => Caller;
  idempotency: IdempotencyStore;
  maxBody: string;
  rateLimitPerMinute: number;
  version: string;
  health: () => Record<string, unknown>;
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
  const health = (_req: express.Request, res: express.Response) =>
    void res.json({ status: "ok", ...options.health() });
  app.get("/health", health);

  const openapi = buildOpenApi(options.routes, options.version);
  const api = express.Router();
  api.use(
    express.json({
      limit: options.maxBody,
      strict: false,
      type: ["application/json", "application/*+json"],
    }),
  );
  api.get("/openapi.json", (_req, res) => void res.json(openapi));
  // Delega's CLI asks for `{prefix}/health` when its URL ends in /api.
  api.get("/health", health);
  api.use(
    buildRouter({
      routes: options.routes,
      authenticate: options.authenticate,
      idempotency: options.idempotency,
      afterAuth: perAgentRateLimit(options.rateLimitPerMinute),
    }),
  );
  api.use((req, _res, next) =>
    next(errors.notFound("route_not_found", `No route ${req.method} ${req.baseUrl}${req.path}`)),
  );
  api.use(errorMiddleware(options.log));
  app.use("/v1", api);
  app.use("/api", api);

  return (req: IncomingMessage, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      res.once("finish", () => resolve(true));
      res.once("close", () => resolve(true));
      app(req as express.Request, res as express.Response, () => resolve(false));
    });
}
