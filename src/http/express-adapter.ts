import { createHash } from "node:crypto";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { z } from "zod";
import type { Caller } from "../tasks/access.js";
import { BatonError, errors } from "../errors.js";
import type { IdempotencyStore } from "../store/idempotency-store.js";
import { toErrorResponse, validationError } from "./error-envelope.js";
import type { AnyRoute, RouteContext } from "./route.js";

export interface AdapterOptions {
  routes: AnyRoute[];
  authenticate: (req: Request) => Caller;
  idempotency: IdempotencyStore;
  /** Runs after authentication (e.g. per-key rate limits). */
  afterAuth?: express.RequestHandler;
}

const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");

/** Mounts the route definitions on an express router: validation, auth, idempotency, errors. */
export function buildRouter(options: AdapterOptions): Router {
  const router = express.Router();
  for (const route of options.routes) {
    const handlers: express.RequestHandler[] = [];
    if (!route.public) {
      handlers.push((req, res, next) => {
        res.locals.caller = options.authenticate(req);
        next();
      });
      if (options.afterAuth) handlers.push(options.afterAuth);
    }
    handlers.push(async (req, res) => {
      const ctx = parse(route, req, res.locals.caller as Caller | undefined);
      const key = route.method === "post" && ctx.caller ? idempotencyKey(req) : undefined;
      if (!key) return send(res, await route.handler(ctx));

      const fingerprint = createHash("sha256")
        .update(
          `${route.method} ${req.baseUrl.replace(/^\/(v1|api)/, "")}${req.path}\n${JSON.stringify(req.body ?? null)}`,
        )
        .digest("hex");
      const begun = options.idempotency.begin(ctx.caller.id, key, fingerprint);
      if (begun.kind === "replay") {
        res.setHeader("idempotent-replayed", "true");
        return void res.status(begun.status).json(begun.body);
      }
      if (begun.kind === "mismatch") {
        throw errors.unprocessable(
          "idempotency_key_reused",
          "This Idempotency-Key was used with a different request",
        );
      }
      if (begun.kind === "in_flight") {
        throw new BatonError({
          status: 409,
          code: "idempotency_in_progress",
          message: "A request with this Idempotency-Key is still running",
          retryAfter: 1,
        });
      }
      ctx.idempotency = { key, interrupted: begun.kind === "interrupted" };
      try {
        const result = await route.handler(ctx);
        options.idempotency.finish(
          ctx.caller.id,
          key,
          result.status ?? route.status ?? 200,
          result.body,
        );
        send(res, result, route.status);
      } catch (error) {
        const answer = toErrorResponse(error);
        // Client errors are final and replayed; server errors and throttling may be retried.
        if (answer.status < 500 && answer.status !== 429)
          options.idempotency.finish(ctx.caller.id, key, answer.status, answer.body);
        else options.idempotency.forget(ctx.caller.id, key);
        throw error;
      }
    });
    router[route.method](expressPath(route.path), ...handlers);
  }
  return router;

  function send(
    res: Response,
    result: { status?: number; body: unknown; headers?: Record<string, string> },
    fallback?: number,
  ) {
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    res.status(result.status ?? fallback ?? 200).json(result.body);
  }
}

function parse(
  route: AnyRoute,
  req: Request,
  caller: Caller | undefined,
): RouteContext<unknown, unknown, unknown> {
  const check = <T>(
    schema: z.ZodType<T> | undefined,
    value: unknown,
    where: string,
  ): T | undefined => {
    if (!schema) return undefined;
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw validationError(parsed.error, where);
    return parsed.data;
  };
  if (route.optionalBody && (req.body === undefined || isEmptyBody(req))) req.body = {};
  if (
    route.body &&
    (req.body === undefined ||
      req.body === null ||
      typeof req.body !== "object" ||
      Array.isArray(req.body))
  ) {
    throw new BatonError({
      status: 400,
      code: "invalid_body",
      message: "Send a JSON object as the request body (Content-Type: application/json)",
    });
  }
  const params = check(route.params, req.params, "path");
  if (route.params && !params) throw errors.notFound("not_found", "Not found");
  return {
    caller: caller as Caller,
    params,
    query: check(route.query, req.query, "query"),
    body: check(route.body, req.body, "body"),
    headers: req.headers,
    idempotency: undefined,
    url: new URL(req.originalUrl, `${req.protocol}://${req.get("host") ?? "localhost"}`),
  };
}

/** No body at all (express.json leaves `req.body` unset, or empty when no JSON was sent). */
const isEmptyBody = (req: Request) =>
  !req.get("content-type") && (req.body == null || Object.keys(req.body as object).length === 0);

function idempotencyKey(req: Request): string | undefined {
  const value = req.get("idempotency-key");
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > 255) {
    throw errors.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1–255 characters");
  }
  return value;
}

/** The error handler: the envelope of DESIGN §7 for everything, including body-parser failures. */
export function errorMiddleware(log?: (error: unknown) => void) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const answer = toErrorResponse(error);
    if (answer.status >= 500 && log) log(error);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.status(answer.status).json(answer.body);
  };
}
