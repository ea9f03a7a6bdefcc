import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { checkResolved, checkUrl, type GuardOptions } from "./url-guard.js";

export interface SendResult {
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface SenderOptions extends GuardOptions {
  timeoutMs?: number;
  /** Response bytes read at most; the rest is dropped with the connection. */
  maxResponseBytes?: number;
  resolve?: (host: string) => Promise<LookupAddress[]>;
}

const defaultResolve = (host: string) =>
  new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/**
 * POSTs a signed delivery. The host is resolved and judged by the URL guard, then the socket is
 * opened to THAT address (a pinned `lookup`), so a DNS answer that changes between check and
 * connect (rebinding) cannot redirect it. No redirects are followed (3xx is a failure), the whole
 * exchange has a 10 s deadline and at most 64 KiB of the answer is read.
 * Connections are kept alive; a reused one found closed before any answer is retried once fresh.
 */
export class HttpSender {
  readonly #options: Required<SenderOptions>;
  readonly #agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
  };

  constructor(options: SenderOptions) {
    this.#options = {
      timeoutMs: 10_000,
      maxResponseBytes: 64 * 1024,
      resolve: defaultResolve,
      ...options,
    };
  }

  /** Resolves and judges a URL; the reason it is refused, or the address to connect to. */
  async check(
    raw: string,
  ): Promise<
    { ok: true; url: URL; address: string; family: 4 | 6 } | { ok: false; reason: string }
  > {
    const parsed = checkUrl(raw, this.#options);
    if (!parsed.ok) return parsed;
    const { url, host, ip } = parsed.target;
    if (ip) return { ok: true, url, address: ip, family: ip.includes(":") ? 6 : 4 };
    let addresses: LookupAddress[];
    try {
      addresses = await this.#options.resolve(host);
    } catch {
      return { ok: false, reason: `${host} does not resolve` };
    }
    const verdict = checkResolved(host, addresses, this.#options);
    return verdict.ok ? { ...verdict, url } : verdict;
  }

  async send(raw: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const target = await this.check(raw);
    if (!target.ok)
      return { status: null, error: `refused: ${target.reason}`, durationMs: elapsed() };
    const pinned: LookupFunction = (_host, options, callback) => {
      if (options.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const deadline = started + this.#options.timeoutMs;
    const first = await this.#post(target, pinned, headers, body, true, deadline);
    // A receiver may close an idle keep-alive connection just as it is reused; the request then
    // dies before any answer. Nothing was received, so send it once more on a new connection.
    const result =
      first.staleSocket && !first.answered
        ? await this.#post(target, pinned, headers, body, false, deadline)
        : first;
    return { status: result.status, error: result.error, durationMs: elapsed() };
  }

  #post(
    target: { url: URL },
    pinned: LookupFunction,
    headers: Record<string, string>,
    body: string,
    pooled: boolean,
    /** One deadline for the whole exchange, a re-send included. */
    deadline: number,
  ): Promise<{
    status: number | null;
    error: string | null;
    answered: boolean;
    staleSocket: boolean;
  }> {
    const secure = target.url.protocol === "https:";
    return new Promise((resolve) => {
      let settled = false;
      let answered = false;
      const request = (secure ? https : http).request(target.url, {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        agent: pooled ? (secure ? this.#agents.https : this.#agents.http) : false,
        lookup: pinned,
      });
      const finish = (status: number | null, error: string | null, staleSocket = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status, error, answered, staleSocket });
      };
      const timer = setTimeout(
        () => {
          request.destroy();
          finish(null, `timed out after ${this.#options.timeoutMs / 1000} s`);
        },
        Math.max(0, deadline - performance.now()),
      );
      request.on("error", (error: NodeJS.ErrnoException) =>
        finish(
          null,
          connectionFailure(error),
          request.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE"),
        ),
      );
      request.on("response", (response) => {
        answered = true;
        const status = response.statusCode ?? 0;
        let read = 0;
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > this.#options.maxResponseBytes) {
            response.destroy();
            finish(status, status >= 200 && status < 300 ? null : `HTTP ${status}`);
          }
        });
        response.on("end", () =>
          finish(
            status,
            status >= 200 && status < 300
              ? null
              : status >= 300 && status < 400
                ? `HTTP ${status}: redirects are not followed`
                : `HTTP ${status}`,
          ),
        );
        response.on("error", () => finish(status, "the answer was cut off"));
      });
      request.end(body);
    });
  }

  close(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }
}

/**
 * What a subscriber's owner is told about a failed connection: its kind, never the raw error (which
 * names internal addresses and ports, and would make deliveries a probe of the network).
 */
export function connectionFailure(error: NodeJS.ErrnoException): string {
  const code = error.code ?? "";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ECONNRESET" || code === "EPIPE") return "connection reset";
  if (code === "ETIMEDOUT" || code === "ESOCKETTIMEDOUT") return "connection timed out";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "host unreachable";
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return "TLS handshake failed";
  return "connection failed";
}
