/*
 * Requests made exactly as Delega's published clients make them (read from their sources; see
 * ../../../shared/DELEGA-API.md and docs/delega-compatibility.md), for the compatibility tests.
 * Each takes the server root, as a user configures it (`DELEGA_API_URL=http://127.0.0.1:PORT`),
 * and the agent key. Answers are as untyped as the clients' JSON.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the clients read JSON untyped
export type Json = any;

/** `DelegaApiError` of `@delega-dev/mcp`: the status and the raw body. */
export class McpApiError extends Error {
  constructor(
    readonly status: number,
    readonly responseBody: string,
  ) {
    super(`Delega API request failed (${status})`);
  }

  /** What the MCP server puts in its one-line tool error: the JSON body's `error`. */
  get detail(): string | null {
    try {
      const parsed = JSON.parse(this.responseBody) as { error?: unknown };
      return typeof parsed.error === "string" && parsed.error.trim() ? parsed.error.trim() : null;
    } catch {
      return null;
    }
  }
}

/**
 * `@delega-dev/mcp` (1.0.x and 1.18): `/api` for any host but api.delega.dev, `X-Agent-Key`, a
 * JSON body only when there is one, query values set unless empty; throws on a non-2xx.
 */
export function mcpClient(root: string, key: string) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | undefined>,
  ): Promise<Json> => {
    const url = new URL(`/api${path}`, root);
    for (const [name, value] of Object.entries(query ?? {}))
      if (value !== undefined && value !== "") url.searchParams.set(name, value);
    const res = await fetch(url, {
      method,
      headers: { "Content-Type": "application/json", "X-Agent-Key": key },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new McpApiError(res.status, await res.text());
    if (res.status === 204) return undefined;
    return res.json();
  };
}

/** Runs an MCP call and gives back the error it threw (or fails the test if it did not). */
export async function mcpError(call: Promise<unknown>): Promise<McpApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof McpApiError) return error;
    throw error;
  }
  throw new Error("expected the API to refuse the request");
}

/**
 * `@delega-dev/cli` 1.2.1's `apiRequest`: base = the configured URL (`/api` added on localhost),
 * `X-Agent-Key`, body when given; `{ok, status, data}`, a non-JSON answer read as `{message}`.
 */
export function cliClient(root: string, key: string) {
  const apiUrl = `${root}/api`;
  const request = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(apiUrl + path, {
      method,
      headers: { "X-Agent-Key": key, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let data: Json;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      data = { message: text };
    }
    return { ok: res.ok, status: res.status, data };
  };
  return Object.assign(request, { apiUrl });
}

/** The CLI's `formatApiError` message source: `error`, else `message`. */
export const cliServerMessage = (data: Json): string | undefined => data?.error || data?.message;

/** Python's `urllib.parse.urlencode(params, doseq=True)` after dropping `None` values. */
function pythonQuery(params: Record<string, unknown>): string {
  const pairs: string[] = [];
  const encode = (value: unknown) =>
    encodeURIComponent(
      typeof value === "boolean" ? (value ? "True" : "False") : String(value),
    ).replace(/%20/g, "+");
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value])
      pairs.push(`${encodeURIComponent(name)}=${encode(item)}`);
  }
  return pairs.join("&");
}

/** The Python SDK's `DelegaAPIError`: the message is `error`, else `message`, else the body. */
export class PythonApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `delega` (Python SDK) `HTTPClient.request`: `{base}/api` on localhost, the SDK's headers, query
 * parameters as Python encodes them, a JSON body; an empty answer is `True`.
 */
export function pythonClient(root: string, key: string) {
  return async (
    method: string,
    path: string,
    body?: Record<string, unknown>,
    params?: Record<string, unknown>,
  ): Promise<Json> => {
    const query = params ? pythonQuery(params) : "";
    const res = await fetch(`${root}/api${path}${query ? `?${query}` : ""}`, {
      method,
      headers: {
        "X-Agent-Key": key,
        "Content-Type": "application/json",
        Accept: "application/json",
        "User-Agent": "delega-python/0.3.0",
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        const data = JSON.parse(text) as { error?: string; message?: string };
        message = data.error ?? data.message ?? text;
      } catch {
        // the body as it is
      }
      throw new PythonApiError(res.status, message);
    }
    return text ? JSON.parse(text) : true;
  };
}
