import type { GitHubRequester } from "./issue-gateway.js";
import type { GitHubGraphqlClient } from "./sub-issue-gateway.js";
import { mapGitHubError } from "./map-github-error.js";
import { mapGraphqlError } from "./map-graphql-error.js";

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
