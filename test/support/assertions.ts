import type { GitHubDouble } from "./github-double/index.js";

const GRAPHQL_MUTATION = /create|add|remove|update|close|reopen|delete|link|move/i;

/** GitHub requests since `from` that change the repository (not reads, not App token requests). */
export function writesSince(double: GitHubDouble, from: number) {
  return double.requests.slice(from).filter((r) => {
    if (r.route.startsWith("graphql:")) return GRAPHQL_MUTATION.test(r.graphqlOperation ?? r.route);
    return r.method !== "GET" && r.method !== "HEAD" && !r.route.startsWith("POST /app/");
  });
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
