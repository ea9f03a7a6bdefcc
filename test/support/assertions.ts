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
