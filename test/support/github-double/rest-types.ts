// The shape of a REST route and what its handler sees.
import type { DoubleContext } from "./context.ts";
import type { Actor } from "./people.ts";

export interface RestRequest {
  ctx: DoubleContext;
  actor: Actor;
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** Absolute URL of the request as the client sent it, for Link headers. */
  url: URL;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** Path template as in GitHub's OpenAPI, e.g. "/repos/{owner}/{repo}/issues/{issue_number}". */
  template: string;
  /** "jwt": App endpoints; "installation": installation token or a person. */
  auth: "jwt" | "installation";
  handle(req: RestRequest): RestResponse;
}

/** Request body as an object ({} when absent), for handlers that read named fields. */
export function bodyObject(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === "object" && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}
