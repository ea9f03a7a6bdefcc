import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";

const CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
};

/**
 * The error envelope of DESIGN §7 for an error answer written by someone else (Probot's webhook
 * route, its 404 and 500 handlers): `undefined` when the body already is one. Pure.
 */
export function envelopeFor(status: number, body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = body ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  const fields = typeof parsed === "object" && parsed !== null ? parsed : {};
  const { error, code, message } = fields as Record<string, unknown>;
  if (typeof code === "string" && typeof (fields as { status?: unknown }).status === "number")
    return undefined;
  const text =
    status >= 500
      ? "Internal error"
      : typeof error === "string"
        ? error
        : typeof message === "string"
          ? message
          : (STATUS_CODES[status] ?? "Error");
  const machine = status >= 500 ? "internal_error" : (CODES[status] ?? `http_${status}`);
  return JSON.stringify({ error: text, code: machine, status });
}

/**
 * Makes every error answer of the server carry the envelope, whoever wrote it: a listener that
 * runs before Probot's holds back the head of a >= 400 answer until its body is known.
 */
export function envelopeAllErrors(server: Server): void {
  server.prependListener("request", (_req: IncomingMessage, res: ServerResponse) => {
    const originalWriteHead = res.writeHead;
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    let held: number | undefined;
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      const headers = rest.find((r) => typeof r === "object" && r !== null);
      if (status < 400 || Array.isArray(headers)) return writeHead(status, ...rest);
      held = status;
      for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
        if (value !== undefined) res.setHeader(name, value as string | number | string[]);
      }
      return res;
    }) as ServerResponse["writeHead"];
    res.end = ((...args: unknown[]) => {
      // Node's own end() writes the head through writeHead: let it through from here on.
      res.writeHead = originalWriteHead;
      const status = held ?? res.statusCode;
      if (status < 400 || res.headersSent) return end(...args);
      const chunk = args[0];
      const text =
        typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : "";
      const envelope = envelopeFor(status, text);
      if (envelope === undefined) {
        if (held !== undefined) writeHead(held);
        return end(...args);
      }
      res.statusCode = status;
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.setHeader("content-length", Buffer.byteLength(envelope));
      writeHead(status);
      const callback = args.find((a) => typeof a === "function");
      return callback ? end(envelope, callback) : end(envelope);
    }) as ServerResponse["end"];
  });
}
