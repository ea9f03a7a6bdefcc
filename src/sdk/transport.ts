import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { BatonApiError, errorFromResponse, networkError } from "./errors.js";
import { DEFAULT_RETRY, retryDelay, shouldRetry, type RetryOptions } from "./retry-policy.js";

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;
export type Query = Record<string, string | number | boolean | undefined | null>;

export interface TransportOptions {
  baseUrl: string;
  agentKey: string | undefined;
  fetch?: FetchLike;
  retry?: Partial<RetryOptions>;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  userAgent?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

export interface RequestOptions<T> {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** The server's zod schema for the answer. */
  schema: z.ZodType<T>;
  /** Overrides the generated Idempotency-Key of a write. */
  idempotencyKey?: string;
  /** Absolute URL (for `/health`, outside the prefix). */
  absolute?: boolean;
}

export interface ApiResult<T> {
  data: T;
  status: number;
  headers: Headers;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One HTTP exchange with retries, typed errors and response validation. */
export class Transport {
  readonly baseUrl: string;
  readonly #key: string | undefined;
  readonly #fetch: FetchLike;
  readonly #retry: RetryOptions;
  readonly #timeoutMs: number;
  readonly #headers: Record<string, string>;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#key = options.agentKey;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#headers = {
      accept: "application/json",
      ...(options.userAgent ? { "user-agent": options.userAgent } : {}),
      ...options.headers,
    };
  }

  async request<T>(method: string, path: string, options: RequestOptions<T>): Promise<T> {
    return (await this.exchange(method, path, options)).data;
  }

  async exchange<T>(
    method: string,
    path: string,
    options: RequestOptions<T>,
  ): Promise<ApiResult<T>> {
    const url = this.url(path, options);
    const write = method !== "GET" && method !== "HEAD";
    const headers: Record<string, string> = { ...this.#headers, ...options.headers };
    if (this.#key) headers["x-agent-key"] = this.#key;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    // One key for every attempt of this call, so a retried write is answered, not repeated.
    if (write) headers["idempotency-key"] = options.idempotencyKey ?? randomUUID();
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);

    for (let attempt = 1; ; attempt++) {
      let error: BatonApiError;
      try {
        const response = await this.#fetch(url, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        const parsed = await readBody(response);
        if (response.ok)
          return {
            data: validate(options.schema, parsed, response.status, method, path),
            status: response.status,
            headers: response.headers,
          };
        error = errorFromResponse(
          response.status,
          response.statusText,
          parsed,
          response.headers.get("retry-after"),
        );
      } catch (cause) {
        if (cause instanceof BatonApiError) throw cause;
        error = networkError(url, cause);
      }
      const wait = shouldRetry(method, error.status, error.code)
        ? retryDelay(attempt, error.retryAfter, this.#retry)
        : undefined;
      if (wait === undefined) throw error;
      await sleep(wait);
    }
  }

  private url(path: string, options: { query?: Query; absolute?: boolean }): URL {
    const url = new URL(options.absolute ? path : `${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    return url;
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function validate<T>(
  schema: z.ZodType<T>,
  value: unknown,
  status: number,
  method: string,
  path: string,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new BatonApiError({
    status,
    code: "invalid_response",
    message: `Unexpected answer to ${method} ${path}: ${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "invalid"}. Is the URL a Baton server of a matching version?`,
  });
}
