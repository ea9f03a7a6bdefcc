// One API request, end to end: route, faults, auth, execute, ETag, rate-limit headers, latency, log.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate } from "./auth.ts";
import type { DoubleContext } from "./context.ts";
import { DOCS_URL, DoubleError, notFound } from "./errors.ts";
import type { FaultAnswer, FaultSet } from "./faults.ts";
import {
  executeGraphql,
  graphqlNames,
  isGraphqlMutation,
  readGraphqlRequest,
} from "./graphql-handler.ts";
import { etagMatches, etagOf, parseJson, sendJson, sleep } from "./http-util.ts";
import type { Actor } from "./people.ts";
import type { RateLimiter, RateResource } from "./rate-limit.ts";
import type { RestRouter } from "./rest-router.ts";
import type { RestResponse } from "./rest-types.ts";
import type { RequestLogEntry } from "./types.ts";

export interface ApiDeps {
  ctx: DoubleContext;
  router: RestRouter;
  faults: FaultSet;
  rate: RateLimiter;
  log: RequestLogEntry[];
  latencyMs: number;
}

interface Target {
  route: string;
  /** Names faults can use for this request (GraphQL: operation name and first field). */
  faultRoutes: string[];
  resource: RateResource;
  graphqlOperation?: string;
  graphqlMutation?: boolean;
  run(actor: Actor): Promise<RestResponse>;
  auth: "jwt" | "installation";
}

const badCredentials = (): RestResponse => ({
  status: 401,
  body: { message: "Bad credentials", documentation_url: DOCS_URL, status: "401" },
});

function fromError(error: unknown): RestResponse {
  if (error instanceof DoubleError)
    return { status: error.status, body: error.toBody(), headers: error.headers };
  if (error instanceof SyntaxError)
    return {
      status: 400,
      body: { message: "Problems parsing JSON", documentation_url: DOCS_URL, status: "400" },
    };
  console.error("[github-double] internal error", error);
  return {
    status: 500,
    body: { message: "Server Error", documentation_url: DOCS_URL, status: "500" },
  };
}

function resolveTarget(deps: ApiDeps, method: string, url: URL, raw: string): Target | undefined {
  if (url.pathname === "/api/graphql" && method === "POST") {
    const request = readGraphqlRequest(parseJson(raw));
    const names = graphqlNames(request);
    return {
      route: `graphql:${names[0] ?? "unknown"}`,
      faultRoutes: names.map((n) => `graphql:${n}`),
      resource: "graphql",
      graphqlOperation: names[0] ?? "unknown",
      graphqlMutation: isGraphqlMutation(request),
      auth: "installation",
      run: async (actor) => ({ status: 200, body: await executeGraphql(deps.ctx, actor, request) }),
    };
  }
  if (!url.pathname.startsWith("/api/v3/")) return undefined;
  const path = url.pathname.slice("/api/v3".length);
  const matched = deps.router.match(method, path);
  if (!matched) return undefined;
  const route = `${method} ${matched.route.template}`;
  return {
    route,
    faultRoutes: [route],
    resource: "core",
    auth: matched.route.auth,
    run: async (actor) => {
      const { owner, repo } = matched.params;
      const { urls } = deps.ctx;
      if (
        owner !== undefined &&
        (owner.toLowerCase() !== urls.owner.toLowerCase() ||
          repo?.toLowerCase() !== urls.name.toLowerCase())
      ) {
        throw notFound();
      }
      return matched.route.handle({
        ctx: deps.ctx,
        actor,
        method,
        params: matched.params,
        query: url.searchParams,
        body: parseJson(raw),
        url,
      });
    },
  };
}

async function answer(
  deps: ApiDeps,
  target: Target | undefined,
  actor: Actor | undefined,
  fault: { answer: FaultAnswer; when: string } | undefined,
): Promise<RestResponse> {
  if (fault?.when === "before") return fault.answer;
  if (!actor) return badCredentials();
  if (!target) return { status: 404, body: notFound().toBody() };
  if ((target.auth === "jwt") !== (actor.kind === "jwt")) return badCredentials();
  let result: RestResponse;
  try {
    result = await target.run(actor);
  } catch (error) {
    result = fromError(error);
  }
  // "after": the change happened (webhooks included), but the client sees an error — a lost response.
  return fault ? fault.answer : result;
}

export async function handleApi(
  deps: ApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: string,
): Promise<void> {
  const at = Date.now();
  const method = (req.method ?? "GET").toUpperCase();
  let target: Target | undefined;
  let actor: Actor | undefined;
  let result: RestResponse;
  let faultLatency = 0;
  try {
    target = resolveTarget(deps, method, url, raw);
    const plan = deps.faults.take(method, target?.faultRoutes ?? [`${method} ${url.pathname}`]);
    faultLatency = plan.latencyMs;
    actor = authenticate(req.headers.authorization, deps.ctx.app.appId);
    result = await answer(deps, target, actor, plan.error);
  } catch (error) {
    result = fromError(error);
  }

  const text = result.body === undefined ? "" : JSON.stringify(result.body);
  const headers: Record<string, string> = { ...result.headers };
  let status = result.status;
  let rateLimited = true;
  if (status >= 200 && status < 300 && text) {
    // GitHub sends an ETag with every JSON answer, so a write's answer primes the next conditional read.
    headers.etag = etagOf(text);
  }
  if (method === "GET" && status === 200) {
    const etag = headers.etag!;
    // A conditional hit is free on GitHub: it does not count against the rate limit.
    if (etagMatches(req.headers["if-none-match"], etag)) {
      status = 304;
      rateLimited = false;
    }
  }
  Object.assign(headers, deps.rate.headers(target?.resource ?? "core", rateLimited), {
    "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
    "x-github-media-type": "github.v3; format=json",
    "x-github-api-version-selected": "2022-11-28",
  });
  const delay = deps.latencyMs + faultLatency;
  if (delay > 0) await sleep(delay);
  // Logged before answering, so a client that just got its response always finds it in the log.
  const entry: RequestLogEntry = {
    method,
    path: req.url ?? url.pathname,
    route: target?.route ?? `${method} ${url.pathname}`,
    status,
    rateLimited,
    at,
  };
  if (actor) entry.actor = actor.kind === "user" ? actor.login : actor.kind;
  if (method !== "GET" && raw !== "") entry.body = safeJson(raw);
  if (target?.graphqlOperation !== undefined) entry.graphqlOperation = target.graphqlOperation;
  if (target?.graphqlMutation !== undefined) entry.graphqlMutation = target.graphqlMutation;
  deps.log.push(entry);
  sendJson(res, status, status === 304 || status === 204 ? undefined : result.body, headers);
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
