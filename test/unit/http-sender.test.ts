import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HttpSender } from "../../src/events/http-sender.js";

/**
 * A receiver written on raw sockets: it answers the first request on each connection with
 * keep-alive, then closes the connection, without answering, when a second request arrives on it
 * (what a server does when its idle timeout fires just as the client reuses the socket).
 */
async function closesReusedConnections(): Promise<{
  server: Server;
  url: string;
  requests: () => number;
  connections: () => number;
}> {
  let requests = 0;
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections++;
    let onThisSocket = 0;
    socket.on("data", (chunk) => {
      // One request per chunk is enough here: small bodies, one write each.
      if (!chunk.toString("latin1").startsWith("POST ")) return;
      requests++;
      onThisSocket++;
      if (onThisSocket === 1) {
        socket.write(
          "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60\r\n\r\n",
        );
      } else {
        socket.destroy();
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}/hooks`,
    requests: () => requests,
    connections: () => connections,
  };
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup) fn();
  cleanup = [];
});

describe("HttpSender", () => {
  it("re-sends once on a new connection when a kept-alive one was closed before any answer", async () => {
    const receiver = await closesReusedConnections();
    const sender = new HttpSender({ allowPrivate: true });
    cleanup.push(
      () => sender.close(),
      () => receiver.server.close(),
    );

    const first = await sender.send(receiver.url, { "content-type": "application/json" }, "{}");
    expect(first).toMatchObject({ status: 200, error: null });
    // Same pooled socket: the receiver drops it; the sender goes again on a fresh connection.
    const second = await sender.send(receiver.url, { "content-type": "application/json" }, "{}");
    expect(second).toMatchObject({ status: 200, error: null });
    expect(receiver.requests()).toBe(3);
    expect(receiver.connections()).toBe(2);
  });

  it("does not re-send when the receiver answered, whatever the status", async () => {
    let requests = 0;
    const server = createServer((socket: Socket) => {
      socket.on("data", () => {
        requests++;
        socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const sender = new HttpSender({ allowPrivate: true });
    cleanup.push(
      () => sender.close(),
      () => server.close(),
    );
    const { port } = server.address() as AddressInfo;

    const result = await sender.send(`http://127.0.0.1:${port}/hooks`, {}, "{}");
    expect(result).toMatchObject({ status: 503, error: "HTTP 503" });
    expect(requests).toBe(1);
  });

  it("reports a refused connection by its kind, not by the raw error naming the address", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const sender = new HttpSender({ allowPrivate: true });
    cleanup.push(() => sender.close());

    const result = await sender.send(`http://127.0.0.1:${port}/hooks`, {}, "{}");
    expect(result).toMatchObject({ status: null, error: "connection refused" });
  });
});
