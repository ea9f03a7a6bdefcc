import { BatonError } from "../errors.js";

/**
 * An API call that failed. `status` is the HTTP status (0 when no answer arrived), `code` the
 * server's machine code (or one derived from the status), `retryAfter` seconds from Retry-After.
 * It extends the server's BatonError, so code that handles one handles both.
 */
export class BatonApiError extends BatonError {
  constructor(options: ConstructorParameters<typeof BatonError>[0]) {
    super(options);
    this.name = "BatonApiError";
  }
}

/** Bad client configuration (no URL, no key, plain http:// to a remote host). Not retried. */
export class BatonConfigError extends Error {
  override name = "BatonConfigError";
}

export function isBatonApiError(error: unknown): error is BatonApiError {
  return error instanceof BatonApiError;
}

const CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  422: "validation_failed",
  429: "rate_limited",
  500: "internal_error",
  502: "bad_gateway",
  503: "unavailable",
  504: "gateway_timeout",
};

/** Seconds from a Retry-After header (delta-seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Builds the error from an answer the way Delega's clients read one: the message is `error`, else
 * `message`, else `detail` (FastAPI's string or list), else the status text.
 */
export function errorFromResponse(
  status: number,
  statusText: string,
  body: unknown,
  retryAfterHeader: string | null,
): BatonApiError {
  const record = body && typeof body === "object" && !Array.isArray(body) ? body : {};
  const {
    error,
    message,
    detail,
    code,
    status: _status,
    ...details
  } = record as Record<string, unknown>;
  const text =
    firstString(error, message, detail) ??
    (typeof body === "string" && body.trim() ? body.trim().slice(0, 200) : undefined) ??
    (statusText || `HTTP ${status}`);
  return new BatonApiError({
    status,
    code: typeof code === "string" ? code : (CODES[status] ?? `http_${status}`),
    message: text,
    details,
    retryAfter: parseRetryAfter(retryAfterHeader),
  });
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) {
    if (typeof value === "string" && value) return value;
    if (Array.isArray(value) && value.length) {
      // FastAPI validation detail: [{loc, msg}, ...]
      return value
        .map((item) =>
          item && typeof item === "object" && "msg" in item ? String(item.msg) : String(item),
        )
        .join("; ");
    }
  }
  return undefined;
}

/** A request that got no answer: refused, reset, DNS failure or timeout. */
export function networkError(url: URL, cause: unknown): BatonApiError {
  const timedOut = (cause as { name?: string }).name === "TimeoutError";
  const reason = describeCause(cause);
  return new BatonApiError({
    status: 0,
    code: timedOut ? "timeout" : "network_error",
    message: timedOut
      ? `No answer from ${url.origin} in time`
      : `Cannot reach ${url.origin}${reason ? ` (${reason})` : ""}: is the server running and the URL right?`,
    cause,
  });
}

function describeCause(cause: unknown): string | undefined {
  const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
  return inner?.code ?? inner?.message ?? (cause as Error).message;
}
