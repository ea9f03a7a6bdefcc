// Small node:http helpers.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export async function readRaw(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Parsed JSON body; undefined when empty; throws SyntaxError when malformed. */
export function parseJson(raw: string): unknown {
  return raw.trim() === "" ? undefined : (JSON.parse(raw) as unknown);
}

export function etagOf(body: string): string {
  return `"${createHash("sha256").update(body).digest("hex").slice(0, 40)}"`;
}

/** If-None-Match matches the ETag (weak comparison, lists and "*" allowed). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (tag: string): string => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || strip(tag) === strip(etag));
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { "content-type": "application/json; charset=utf-8" } : {}),
    ...headers,
  });
  res.end(text);
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
