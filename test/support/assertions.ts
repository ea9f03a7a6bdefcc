import type { GitHubDouble, RequestLogEntry } from "./github-double/index.js";

/** A request that changes the repository: not a read, not an App token request, not a GraphQL query. */
export function isWrite(r: RequestLogEntry): boolean {
  if (r.route.startsWith("graphql:")) return r.graphqlMutation === true;
  return r.method !== "GET" && r.method !== "HEAD" && !r.route.startsWith("POST /app/");
}

/** GitHub requests since `from` that change the repository. */
export function writesSince(double: GitHubDouble, from: number) {
  return double.requests.slice(from).filter(isWrite);
}

/** Writes the App's installation made since `from` (not people's own requests). */
export function appWritesSince(double: GitHubDouble, from: number) {
  return writesSince(double, from).filter((r) => r.actor === "app");
}

/** GitHub requests since `from` that count against the rate limit (a 304 does not). */
export function rateLimitedSince(double: GitHubDouble, from: number) {
  return double.requests.slice(from).filter((r) => r.rateLimited);
}

export function labelNames(double: GitHubDouble, issueNumber: number): string[] {
  const issue = double.state.issues.get(issueNumber);
  if (!issue) throw new Error(`no issue #${issueNumber}`);
  return issue.labelIds.map((id) => double.state.labels.get(id)!.name).sort();
}

/**
 * Polls `read` until `check` holds, and returns the value that passed: for what happens in the
 * background. No timed assertion: `timeoutMs` only ends the wait for what never happens, with an
 * error naming the last value read.
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  check: (value: T) => boolean,
  { timeoutMs = 60_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() >= deadline) {
      const last = JSON.stringify(value) ?? String(value);
      throw new Error(
        `eventually: the check did not hold within ${timeoutMs} ms; last value read: ${last.slice(0, 2_000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
