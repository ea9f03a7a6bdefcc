import { BatonError, errors, isBatonError } from "../errors.js";

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
    return errors.unavailable(
      "github_unreachable",
      "GitHub could not be reached; try again shortly",
      5,
    );
  }
  const wait = rateLimitWait(error);
  if (wait !== undefined) {
    return errors.unavailable(
      "github_rate_limited",
      "GitHub is rate limiting Baton; retry after the given delay",
      wait,
    );
  }
  if (error.status >= 500) {
    return errors.unavailable(
      "github_unavailable",
      `GitHub answered ${error.status}; try again shortly`,
      5,
    );
  }
  if (error.status === 404) return errors.notFound("github_not_found", "Not found on GitHub");
  if (error.status === 401 || error.status === 403) {
    return new BatonError({
      status: 502,
      code: "github_forbidden",
      message: `GitHub refused Baton's request (${error.status}): check the App's permissions and installation`,
      cause: error,
    });
  }
  if (error.status === 422) {
    return errors.unprocessable(
      "github_validation_failed",
      `GitHub rejected the change: ${error.message}`,
    );
  }
  return new BatonError({
    status: 502,
    code: "github_error",
    message: `GitHub answered ${error.status}`,
    cause: error,
  });
}
