import { STATUS_CODES } from "node:http";
import { Agent, interceptors, request, type Dispatcher } from "undici";

/** At most this many redirects are followed (GitHub redirects a renamed repository's API). */
const MAX_REDIRECTIONS = 3;

/**
 * The `fetch` Octokit calls, on undici's `request` API. The platform's fetch builds WHATWG
 * requests, headers and body streams for every call: ~1 ms more CPU per GitHub request than
 * `request` on this machine (measured with Octokit's own request against a local server), paid on
 * every create and write. Octokit reads only a response's status, headers and body, which this
 * answers from undici's own; redirects are followed as fetch does.
 */
export function requestFetch(
  dispatcher: Dispatcher = new Agent().compose(
    interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS }),
  ),
): typeof fetch {
  // Octokit passes the URL as a string and its options as `init`.
  const send = async (url: string, init: RequestInit = {}) => {
    const method = (init.method ?? "GET").toUpperCase();
    const answer = await request(url, {
      method: method as Dispatcher.HttpMethod,
      headers: init.headers as Record<string, string> | undefined,
      body: (init.body ?? undefined) as string | Buffer | undefined,
      signal: init.signal ?? undefined,
      dispatcher,
    });
    // Octokit does not read these bodies; undici needs every body read to reuse the connection.
    const bodiless = method === "HEAD" || answer.statusCode === 204 || answer.statusCode === 205;
    if (bodiless) await answer.body.dump();
    return new RequestResponse(url, answer, bodiless);
  };
  return send as unknown as typeof fetch;
}

/** The part of a fetch `Response` Octokit reads: status, url, headers, body, text, arrayBuffer. */
class RequestResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: ResponseHeaders;
  readonly body: Dispatcher.ResponseData["body"] | null;

  constructor(
    readonly url: string,
    answer: Dispatcher.ResponseData,
    bodiless: boolean,
  ) {
    this.status = answer.statusCode;
    this.statusText = STATUS_CODES[answer.statusCode] ?? "";
    this.headers = new ResponseHeaders(answer.headers);
    this.body = bodiless ? null : answer.body;
  }

  text(): Promise<string> {
    return this.body ? this.body.text() : Promise.resolve("");
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.body ? this.body.arrayBuffer() : Promise.resolve(new ArrayBuffer(0));
  }
}

/** Lower-case names, as fetch's `Headers` iterates and answers them. */
class ResponseHeaders {
  readonly #values: Map<string, string>;

  constructor(raw: Record<string, string | string[] | undefined>) {
    this.#values = new Map();
    for (const [name, value] of Object.entries(raw))
      if (value !== undefined)
        this.#values.set(name.toLowerCase(), Array.isArray(value) ? value.join(", ") : value);
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#values.entries();
  }
}
