import { mapGitHubError } from "./map-github-error.js";
import { mapGraphqlError } from "./map-graphql-error.js";

/**
 * The one Octokit method the issue gateway uses. Probot's Octokit and @actions/github's both satisfy it,
 * so the companion Action reuses this gateway with the workflow's token.
 */
export interface GitHubRequester {
  request(
    route: string,
    parameters?: Record<string, unknown>,
  ): Promise<{ data: unknown; headers: Record<string, string | number | undefined> }>;
}

/** The Octokit method the sub-issue gateway uses: Probot's and @actions/github's Octokit both have it. */
export interface GitHubGraphqlClient {
  graphql(query: string, parameters?: Record<string, unknown>): Promise<unknown>;
}

/**
 * The gateways' one boundary with GitHub: whatever a request throws leaves here as a BatonError
 * (map-github-error.ts, map-graphql-error.ts), so a gateway catches only what it recovers from.
 * It wraps the client rather than hooking Octokit so that the Action's @actions/github client is
 * mapped the same way, and the request policy's retries still see GitHub's raw answers.
 */
export function mappedRequester(client: GitHubRequester): GitHubRequester {
  return {
    request: async (route, parameters) => {
      try {
        return await client.request(route, parameters);
      } catch (error) {
        throw mapGitHubError(error);
      }
    },
  };
}

/** The same boundary for GraphQL: GitHub's refusals (200 with `errors`) map to Baton's codes. */
export function mappedGraphqlClient(client: GitHubGraphqlClient): GitHubGraphqlClient {
  return {
    graphql: async (query, parameters) => {
      try {
        return await client.graphql(query, parameters);
      } catch (error) {
        throw mapGraphqlError(error);
      }
    },
  };
}
