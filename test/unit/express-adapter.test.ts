import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildRouter } from "../../src/http/express-adapter.js";
import { defineRoute } from "../../src/http/route.js";
import type { IdempotencyStore } from "../../src/idempotency.js";

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

/**
 * A route that leaves index upkeep for after its answer; `events` says in which order the handler
 * ran, the answer was written and the upkeep ran.
 */
async function serve(answerFirst: boolean, work: () => void = () => undefined) {
  const events: string[] = [];
  const logged: unknown[] = [];
  const route = defineRoute({
    method: "post",
    path: "/things",
    tag: "things",
    summary: "Create a thing",
    body: z.object({ name: z.string() }),
    response: z.object({ name: z.string() }),
    handler: async ({ body, afterAnswer }) => {
      events.push("handler");
      const index = () => {
        events.push("index");
        work();
      };
      // As the create does: without the hook (replicas), the work is done before answering.
      if (afterAnswer) afterAnswer(index);
      else index();
      return { status: 201, body };
    },
  });
  const app = express();
  app.use((_req, res, next) => {
    const end = res.end.bind(res) as (...args: unknown[]) => express.Response;
    res.end = ((...args: unknown[]) => {
      const out = end(...args);
      events.push("answer written");
      return out;
    }) as typeof res.end;
    next();
  });
  app.use(express.json());
  app.use(
    buildRouter({
      routes: [route],
      authenticate: () => ({ id: "w1", role: "worker" }),
      idempotency: {} as IdempotencyStore,
      answerFirst,
      log: (error) => logged.push(error),
    }),
  );
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise((resolve) => server.once("listening", resolve));
  const post = async () => {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/things`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  return { post, events, logged };
}

describe("buildRouter: work left for after the answer", () => {
  it("with answerFirst, runs once the answer is written, before any other request", async () => {
    const { post, events } = await serve(true);
    expect(await post()).toEqual({ status: 201, body: { name: "x" } });
    expect(events.slice(0, 3)).toEqual(["handler", "answer written", "index"]);
  });

  it("without it (replicas share the store), no hook: the route works before its answer", async () => {
    const { post, events } = await serve(false);
    expect(await post()).toEqual({ status: 201, body: { name: "x" } });
    expect(events.slice(0, 3)).toEqual(["handler", "index", "answer written"]);
  });

  it("a failure after the answer is logged; the answer stands", async () => {
    const { post, logged } = await serve(true, () => {
      throw new Error("index down");
    });
    expect(await post()).toEqual({ status: 201, body: { name: "x" } });
    expect(logged.map(String)).toEqual(["Error: index down"]);
  });
});
