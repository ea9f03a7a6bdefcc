import type { IncomingHttpHeaders } from "node:http";
import type { z } from "zod";
import type { Caller } from "../tasks/access.js";
import type { WriteIntent } from "../idempotency.js";
import type { AfterAnswer } from "../services/create-task.js";

export type Method = "get" | "post" | "put" | "patch" | "delete";

export interface RouteContext<P, Q, B> {
  caller: Caller;
  params: P;
  query: Q;
  body: B;
  headers: IncomingHttpHeaders;
  /** The request's `Idempotency-Key`, and how its writes are made once (src/idempotency.ts). */
  idempotency: { key: string; intent: WriteIntent } | undefined;
  /** Absolute URL of this request, for Link headers. */
  url: URL;
  /**
   * Runs `work` once the answer is written, in the same turn of the event loop (no other request
   * runs in between). Absent where the store is shared by replicas (see AdapterOptions): there
   * the route does the work before it answers.
   */
  afterAnswer?: AfterAnswer;
}

export interface RouteResult<R> {
  status?: number;
  body: R;
  headers?: Record<string, string>;
}

/**
 * One route: its schemas validate the request, type the handler and produce the OpenAPI
 * document, so the three can never disagree.
 */
export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** OpenAPI-style path under the prefix, e.g. `/tasks/{id}`. */
  path: string;
  summary: string;
  tag: string;
  /** Public routes need no agent key. */
  public?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** A POST whose body may be left out (read as `{}`), as Delega's clients send some. */
  optionalBody?: boolean;
  response: R;
  /** Success status (200 unless said). */
  status?: number;
  handler: (
    ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>,
  ) => Promise<RouteResult<z.input<R>>>;
}

export type AnyRoute = RouteDefinition<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;

export function defineRoute<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  R extends z.ZodType,
>(route: RouteDefinition<P, Q, B, R>): AnyRoute {
  return route as unknown as AnyRoute;
}
