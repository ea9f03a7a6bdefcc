import { BatonError, isBatonError } from "../errors.js";

interface HttpishError {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

function isHttpish(error: unknown): error is HttpishError {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { status?: unknown }).status === "number"
  );
}

/** Mapped failures after which GitHub may have acted: it answered 5xx, or did not answer. */
const AMBIGUOUS_CODES = new Set(["github_unavailable", "github_unreachable"]);

/** True when GitHub's answer may have been lost after it acted (a write could have happened). */
export function isAmbiguous(error: unknown): boolean {
  if (isBatonError(error)) return AMBIGUOUS_CODES.has(error.code);
  if (!isHttpish(error)) return true;
  return error.status >= 500;
}

/**
 * The HTTP status GitHub answered, raw or through the mapping (a mapped error keeps GitHub's as
 * its cause): the gateways read 304, 404 and 410 as answers, not failures.
 */
export function githubStatus(error: unknown): number | undefined {
  const raw = isBatonError(error) ? error.cause : error;
  return isHttpish(raw) ? raw.status : undefined;
}

/**
 * Seconds GitHub asks us to wait when the error is a rate limit (primary or secondary), else
 * undefined: Retry-After if given, else until the limit resets, else a minute.
 */
export function rateLimitWait(error: unknown): number | undefined {
  if (!isHttpish(error) || (error.status !== 403 && error.status !== 429)) return undefined;
  const headers = error.response?.headers ?? {};
  const retryAfter = Number(headers["retry-after"] ?? 0);
  if (retryAfter > 0) return retryAfter;
  const limited =
    error.status === 429 ||
    String(headers["x-ratelimit-remaining"]) === "0" ||
    /rate limit/i.test(error.message ?? "");
  if (!limited) return undefined;
  const reset = Number(headers["x-ratelimit-reset"] ?? 0);
  return reset > 0 ? Math.max(1, reset - Math.floor(Date.now() / 1000)) : 60;
}

/**
 * GitHub's failures, as the API's own errors. Throttling and outages become 503 + Retry-After:
 * the caller should retry later rather than wait on an open connection.
 */
export function mapGitHubError(error: unknown): BatonError {
  if (isBatonError(error)) return error;
  if (!isHttpish(error)) {
    return new BatonError({
      status: 503,
      code: "github_unreachable",
      message: "GitHub could not be reached; try again shortly",
      retryAfter: 5,
      cause: error,
    });
  }
  const wait = rateLimitWait(error);
  if (wait !== undefined) {
    return new BatonError({
      status: 503,
      code: "github_rate_limited",
      message: "GitHub is rate limiting Baton; retry after the given delay",
      retryAfter: wait,
      cause: error,
    });
  }
  if (error.status >= 500) {
    return new BatonError({
      status: 503,
      code: "github_unavailable",
      message: `GitHub answered ${error.status}; try again shortly`,
      retryAfter: 5,
      cause: error,
    });
  }
  if (error.status === 404) {
    return new BatonError({
      status: 404,
      code: "github_not_found",
      message: "Not found on GitHub",
      cause: error,
    });
  }
  if (error.status === 401 || error.status === 403) {
    return new BatonError({
      status: 502,
      code: "github_forbidden",
      message: `GitHub refused Baton's request (${error.status}): check the App's permissions and installation`,
      cause: error,
    });
  }
  if (error.status === 422) {
    return new BatonError({
      status: 422,
      code: "github_validation_failed",
      message: `GitHub rejected the change: ${error.message}`,
      cause: error,
    });
  }
  return new BatonError({
    status: 502,
    code: "github_error",
    message: `GitHub answered ${error.status}`,
    cause: error,
  });
}
