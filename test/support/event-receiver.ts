import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedEvent {
  headers: IncomingHttpHeaders;
  raw: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience for reading JSON
  json: any;
}

export interface EventReceiver {
  url: string;
  received: ReceivedEvent[];
  /** The status to answer with (default 200); may look at the request, or never answer. */
  respond: (event: ReceivedEvent) => number | Promise<number>;
  /** Resolves once `predicate` holds for the events received so far. */
  waitFor(predicate: (events: ReceivedEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A subscriber's HTTP endpoint on loopback that records what it receives. */
export async function startEventReceiver(): Promise<EventReceiver> {
  const waiters: (() => void)[] = [];
  const receiver: EventReceiver = {
    url: "",
    received: [],
    respond: () => 200,
    waitFor: (predicate, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`receiver: condition not met; got ${receiver.received.length}`)),
          timeoutMs,
        );
        const check = () => {
          if (predicate(receiver.received)) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const event: ReceivedEvent = { headers: req.headers, raw, json: JSON.parse(raw) };
      const status = await receiver.respond(event);
      if (status >= 200 && status < 300) receiver.received.push(event);
      res.writeHead(status).end();
      for (const waiter of waiters.splice(0)) waiter();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

/** Delega's recipe, written independently of Baton's code: HMAC over "<ts>.<body>", constant time. */
export function verifyDelega(event: ReceivedEvent, secret: string, header = "x-delega-signature") {
  const ts = String(event.headers["x-delega-timestamp"]);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(ts)) return false;
  if (Math.abs(Date.now() - Date.parse(ts)) > 5 * 60_000) return false;
  const expected = Buffer.from(
    `sha256=${createHmac("sha256", secret).update(`${ts}.${event.raw}`).digest("hex")}`,
  );
  const got = Buffer.from(String(event.headers[header] ?? ""));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** The Standard Webhooks recipe, with the `standardwebhooks` package. */
export function verifyStandard(event: ReceivedEvent, secret: string): boolean {
  try {
    new Webhook(secret).verify(event.raw, event.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}
