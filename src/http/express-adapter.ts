import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { z } from "zod";
import type { Caller } from "../tasks/access.js";
import { BatonError, errors } from "../errors.js";
import {
  checkIdempotencyKey,
  fingerprintOf,
  runKeyed,
  type IdempotencyStore,
} from "../idempotency.js";
import type { DistributedLock } from "../store/distributed-lock.js";
import { withRequestBudget } from "../util/request-budget.js";
import { toErrorResponse, validationError } from "./error-envelope.js";
import type { AnyRoute, RouteContext } from "./route.js";

export interface AdapterOptions {
  routes: AnyRoute[];
  authenticate: (req: Request) => Caller;
  idempotency: IdempotencyStore;
  /** Replicas: a key is handled by one replica at a time (a busy key answers 409). */
  keyLock?: DistributedLock;
  /** Runs after authentication (e.g. per-key rate limits). */
  afterAuth?: express.RequestHandler;
  /**
   * BATON_GITHUB_TIMEOUT_S: the time all of a request's GitHub calls share, from its arrival
   * (`res.locals.startedAt`, `performance.now()`); absent = each call has its own deadline.
   */
  githubBudgetSeconds?: number;
  /**
   * Index upkeep after a write runs once its answer is written (`ctx.afterAnswer`). Only with one
   * process per store: a replica's answer must not reach an agent before the shared index, which
   * another replica may serve its next read from, holds the write.
   */
  answerFirst?: boolean;
  /** Logs a failure of work left for after the answer (the answer is out; the webhook repairs). */
  log?: (error: unknown) => void;
}

const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");

/** Mounts the route definitions on an express router: validation, auth, idempotency, errors. */
export function buildRouter(options: AdapterOptions): Router {
  const router = express.Router();
  for (const route of options.routes) {
    const handlers: express.RequestHandler[] = [];
    if (!route.public) {
      handlers.push((req, res, next) => {
        res.locals.caller ??= options.authenticate(req);
        next();
      });
      if (options.afterAuth) handlers.push(options.afterAuth);
    }
    const handle = async (req: Request, res: Response) => {
      // Without answerFirst the route does the work itself, before its answer.
      const later: (() => void | Promise<void>)[] | undefined = options.answerFirst
        ? []
        : undefined;
      const ctx = parse(route, req, res.locals.caller as Caller | undefined, later);
      try {
        await answer(req, res, ctx);
      } finally {
        for (const work of later ?? []) {
          try {
            void work()?.catch((error: unknown) => options.log?.(error));
          } catch (error) {
            options.log?.(error);
          }
        }
      }
    };
    const answer = async (
      req: Request,
      res: Response,
      ctx: RouteContext<unknown, unknown, unknown>,
    ) => {
      const key =
        route.method === "post" && ctx.caller
          ? checkIdempotencyKey(req.get("idempotency-key"))
          : undefined;
      if (!key) return send(res, await route.handler(ctx));
      const keyed = () =>
        runKeyed(
          options.idempotency,
          {
            agentId: ctx.caller.id,
            key,
            fingerprint: fingerprintOf(route.method, `${req.baseUrl}${req.path}`, req.body),
          },
          async (intent) => {
            ctx.idempotency = { key, intent };
            const result = await route.handler(ctx);
            return { ...result, status: result.status ?? route.status ?? 200 };
          },
          toErrorResponse,
        );
      const outcome = options.keyLock
        ? await heldKey(options.keyLock, ctx.caller.id, key, keyed)
        : await keyed();
      if (outcome.kind === "replay") res.setHeader("idempotent-replayed", "true");
      send(res, outcome);
    };
    const budget = options.githubBudgetSeconds;
    handlers.push(async (req, res) => {
      if (budget === undefined) return handle(req, res);
      const startedAt = (res.locals.startedAt as number | undefined) ?? performance.now();
      return withRequestBudget(budget, startedAt, () => handle(req, res));
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

/**
 * Another replica's request with this key is still running: the same 409 as in one process
 * (src/idempotency.ts), since that replica's pending record looks interrupted from here.
 */
async function heldKey<T>(
  lock: DistributedLock,
  agentId: string,
  key: string,
  task: () => Promise<T>,
): Promise<T> {
  const held = await lock.tryRun(`idempotency:${agentId}:${key}`, task);
  if (held.ran) return held.value;
  throw new BatonError({
    status: 409,
    code: "idempotency_in_progress",
    message: "A request with this Idempotency-Key is still running",
    retryAfter: 1,
  });
}

function parse(
  route: AnyRoute,
  req: Request,
  caller: Caller | undefined,
  later: (() => void | Promise<void>)[] | undefined,
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
    ...(later ? { afterAnswer: (work: () => void | Promise<void>) => void later.push(work) } : {}),
  };
}

/** No body at all (express.json leaves `req.body` unset, or empty when no JSON was sent). */
const isEmptyBody = (req: Request) =>
  !req.get("content-type") && (req.body == null || Object.keys(req.body as object).length === 0);

/** The error handler: the envelope of DESIGN §7 for everything, including body-parser failures. */
export function errorMiddleware(log?: (error: unknown) => void) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const answer = toErrorResponse(error);
    if (answer.status >= 500 && log) log(error);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.status(answer.status).json(answer.body);
  };
}
