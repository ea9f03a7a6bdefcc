import type { Octokit as CoreOctokit } from "@octokit/core";
import type { EndpointDefaults, OctokitResponse } from "@octokit/types";

type Requested = Required<EndpointDefaults>;
/** A body that reads itself, as undici's does. */
interface TextBody {
  text(): Promise<string>;
}
type Send = (options: Requested) => OctokitResponse<unknown> | Promise<OctokitResponse<unknown>>;

/**
 * Success bodies parsed with the platform's `JSON.parse`. Octokit 22 parses them with
 * json-with-bigint, which on Node 20 (no `JSON.parse` source access) rewrites the text with a
 * regular expression and revives every value through a callback: ~3× the CPU and garbage of a
 * plain parse, paid on every issue and every page of 100 (measured in bench:facade). GitHub's ids
 * stay below 2^53, so nothing needs a BigInt. Error bodies keep Octokit's own parsing.
 */
export function nativeJson(octokit: CoreOctokit) {
  octokit.hook.wrap("request", async (request: Send, options: Requested) => {
    if (options.request?.parseSuccessResponseBody === false) return request(options);
    // Set in place: inner hooks (the App's auth) are bound to this very options object.
    options.request = { ...options.request, parseSuccessResponseBody: false };
    const response = await request(options);
    const body = response.data as ReadableStream<Uint8Array> | TextBody | null | undefined;
    if (!body) return response;
    // undici's body (request-fetch.ts) reads itself; a WHATWG stream goes through a Response.
    const text = "text" in body ? await body.text() : await new Response(body).text();
    const type = String(response.headers["content-type"] ?? "");
    return { ...response, data: /\bjson\b/.test(type) ? parseOr(text) : text };
  });
  return {};
}

/** As Octokit does: a body that says JSON but is not stays text. */
function parseOr(text: string): unknown {
  if (!text) return "";
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
