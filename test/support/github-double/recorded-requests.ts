// What an in-process test's Octokit sends to the double, for inline snapshots of request bodies.
import type { TestOctokit } from "./test-client.ts";

export interface SentRequest {
  request: string;
  body?: unknown;
}

export interface RecordedRequests {
  /** Every non-GET request (GraphQL queries and mutations included) as GitHub receives it. */
  sent: SentRequest[];
  /** The route templates of GET requests (conditional reads, kept out of `sent`). */
  reads: string[];
  clear(): void;
}

export function recordRequests(octokit: TestOctokit): RecordedRequests {
  const recorded: RecordedRequests = {
    sent: [],
    reads: [],
    clear() {
      recorded.sent.length = 0;
      recorded.reads.length = 0;
    },
  };
  octokit.hook.before("request", (options) => {
    const { method, url, baseUrl, headers, request, mediaType, owner, repo, query, ...rest } =
      options as Record<string, unknown>;
    void [baseUrl, headers, request, mediaType, owner, repo];
    // GraphQL's url is absolute (the double's origin varies per run): keep the path only.
    const route = String(url).replace(/^https?:\/\/[^/]+/, "");
    if (method === "GET") {
      recorded.reads.push(route);
      return;
    }
    const body =
      typeof query === "string"
        ? { operation: /(?:mutation|query)\s+(\w+)/.exec(query)?.[1], variables: rest.variables }
        : rest;
    recorded.sent.push({ request: `${String(method)} ${route}`, body });
  });
  return recorded;
}
