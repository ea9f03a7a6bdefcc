import type { IncomingMessage, ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import express from "express";
import type { Caller } from "../tasks/access.js";
import { readAgentKey } from "../http/auth.js";
import { errorMiddleware } from "../http/express-adapter.js";
import { BatonClient } from "../sdk/index.js";
import { VERSION } from "../version.js";
import { BatonError } from "../errors.js";
import { createMcpServer } from "./server.js";

export interface McpHttpOptions {
  authenticate: (req: express.Request) => Caller;
  maxBody: string;
  log: (error: unknown) => void;
}

/** The server's own address as seen on this connection, so the loopback call always lands. */
function selfUrl(req: express.Request): string {
  const address = (req.socket.localAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
  return `http://${address.includes(":") ? `[${address}]` : address}:${req.socket.localPort}/v1`;
}

/**
 * `POST /mcp`: MCP over streamable HTTP, stateless (a fresh server per request), for the agent
 * whose key the request carries. The tools call the REST API on this same server through the SDK
 * with that key, so access rules, validation, idempotency and rate limits are the REST ones,
 * enforced in one place, at the cost of one loopback hop.
 */
export function createMcpHttpHandler(options: McpHttpOptions) {
  const app = express();
  app.disable("x-powered-by");
  const route = express.Router();
  route.use(express.json({ limit: options.maxBody }));
  route.post("/", async (req, res) => {
    options.authenticate(req);
    const client = new BatonClient({
      baseUrl: selfUrl(req),
      agentKey: readAgentKey(req),
      userAgent: `baton-mcp/${VERSION}`,
    });
    const server = createMcpServer(client);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  // Stateless: no server-initiated stream and no session to end.
  route.all("/", () => {
    throw new BatonError({
      status: 405,
      code: "method_not_allowed",
      message: "POST MCP messages to /mcp (stateless streamable HTTP)",
    });
  });
  route.use(errorMiddleware(options.log));
  app.use("/mcp", route);

  return (req: IncomingMessage, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      res.once("finish", () => resolve(true));
      res.once("close", () => resolve(true));
      app(req as express.Request, res as express.Response, () => resolve(false));
    });
}
