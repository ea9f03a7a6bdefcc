import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RequestError } from "@octokit/request-error";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createOctokitClass } from "../../src/github/octokit.js";

let server: Server;
let baseUrl: string;
const seen: { method: string; url: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, body });
      const json = (status: number, data: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
        res.end(JSON.stringify(data));
      };
      if (req.url === "/repos/o/r/issues" && req.method === "POST")
        return json(201, { number: 7, title: JSON.parse(body).title }, { etag: '"v1"' });
      if (req.url === "/repos/o/old/issues/7") {
        res.writeHead(301, { location: `${baseUrl}/repos/o/r/issues/7` });
        return res.end();
      }
      if (req.url === "/repos/o/r/issues/7") {
        if (req.headers["if-none-match"] === '"v1"') return res.writeHead(304).end();
        return json(200, { number: 7 }, { etag: '"v1"' });
      }
      if (req.url === "/repos/o/r/labels/x" && req.method === "DELETE")
        return res.writeHead(204).end();
      if (req.url === "/slow") return setTimeout(() => json(200, {}), 2_000);
      json(404, { message: "Not Found", documentation_url: "https://docs.github.com" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const client = () => {
  const Octokit = createOctokitClass({
    writeSpacingMs: 0,
    retryBudgetSeconds: 0,
    timeoutSeconds: 1,
  });
  return new Octokit({ baseUrl });
};

describe("Octokit over undici's request (request-fetch.ts)", () => {
  it("sends the body, and reads status, lower-case headers and JSON, past the platform's fetch", async () => {
    const platformFetch = vi.spyOn(globalThis, "fetch");
    const res = await client().request("POST /repos/{owner}/{repo}/issues", {
      owner: "o",
      repo: "r",
      title: "Hello",
    });
    expect([res.status, res.headers.etag, res.data]).toEqual([
      201,
      '"v1"',
      { number: 7, title: "Hello" },
    ]);
    expect(seen.at(-1)).toMatchObject({
      method: "POST",
      body: JSON.stringify({ title: "Hello" }),
    });
    expect(platformFetch).not.toHaveBeenCalled();
    platformFetch.mockRestore();
  });

  it("an error answer is Octokit's RequestError with GitHub's message; a 304 throws as Octokit does", async () => {
    const missing = await client()
      .request("GET /repos/{owner}/{repo}/issues/{n}", { owner: "o", repo: "r", n: 99 })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(RequestError);
    expect((missing as RequestError).status).toBe(404);
    expect((missing as RequestError).message).toMatch(/Not found/i);
    const unchanged = await client()
      .request("GET /repos/{owner}/{repo}/issues/{n}", {
        owner: "o",
        repo: "r",
        n: 7,
        headers: { "if-none-match": '"v1"' },
      })
      .catch((error: unknown) => error);
    expect((unchanged as RequestError).status).toBe(304);
  });

  it("follows a redirect, answers a 204 with no body, and keeps the connection usable", async () => {
    const moved = await client().request("GET /repos/{owner}/{repo}/issues/{n}", {
      owner: "o",
      repo: "old",
      n: 7,
    });
    expect([moved.status, moved.data]).toEqual([200, { number: 7 }]);
    const octokit = client();
    for (let i = 0; i < 3; i++) {
      const removed = await octokit.request("DELETE /repos/{owner}/{repo}/labels/{name}", {
        owner: "o",
        repo: "r",
        name: "x",
      });
      expect(removed.status).toBe(204);
    }
  });

  it("a request past its deadline is abandoned with a 504", async () => {
    const error = await client()
      .request("GET /slow")
      .catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(504);
  });
});
