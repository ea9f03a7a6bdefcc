import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import type { DemoChapter } from "./context.js";

interface Delivery {
  headers: IncomingHttpHeaders;
  raw: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- demo convenience for reading JSON
  json: any;
}

/** Monitor's own HTTP receiver on loopback: verifies both signatures before trusting a delivery. */
async function startMonitorReceiver(secret: () => string) {
  const received: Delivery[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const delivery = { headers: req.headers, raw, json: JSON.parse(raw) };
      if (!verifyDelega(delivery, secret()) || !verifyStandard(delivery, secret())) {
        res.writeHead(401).end();
        return;
      }
      received.push(delivery);
      res.writeHead(204).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/baton-events`;
  const next = (predicate: (d: Delivery) => boolean) =>
    new Promise<Delivery>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no delivery within 15 s")), 15_000);
      const check = () => {
        const found = received.find(predicate);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      check();
    });
  return { url, next, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function verifyDelega(d: Delivery, secret: string): boolean {
  const ts = String(d.headers["x-delega-timestamp"]);
  if (Math.abs(Date.now() - Date.parse(ts)) > 5 * 60_000) return false;
  const expected = Buffer.from(
    `sha256=${createHmac("sha256", secret).update(`${ts}.${d.raw}`).digest("hex")}`,
  );
  const got = Buffer.from(String(d.headers["x-delega-signature"] ?? ""));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

function verifyStandard(d: Delivery, secret: string): boolean {
  try {
    new Webhook(secret).verify(d.raw, d.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/** Issue #4's loop: monitor subscribes, infra completes, a signed task.completed comes back. */
export const events: DemoChapter = async (ctx) => {
  let secret = "";
  const receiver = await startMonitorReceiver(() => secret);
  try {
    ctx.step("monitor subscribes its own receiver to task.completed");
    const { json: hook } = await ctx.call(ctx.keys.monitor, "POST", "/v1/webhooks", {
      url: receiver.url,
      events: ["task.completed", "task.commented"],
    });
    secret = hook.secret;
    ctx.say(`webhook #${hook.id} → ${hook.url}; secret ${hook.secret.slice(0, 12)}… (shown once)`);

    ctx.step("monitor files a task for infra; infra completes it through the API");
    const { json: task } = await ctx.call(ctx.keys.monitor, "POST", "/v1/tasks", {
      content: "Restart the stuck queue worker on host q-3",
      assigned_to_agent_id: "infra",
    });
    await ctx.call(ctx.keys.infra, "POST", `/v1/tasks/${task.id}/complete`);
    const done = await receiver.next(
      (d) => d.json.event === "task.completed" && d.json.task.id === task.id,
    );
    ctx.say(
      `monitor received ${done.headers["x-delega-event"]} for #${done.json.task.id} ` +
        `(delivery ${done.headers["x-delega-delivery"]})`,
    );
    ctx.say(
      `✔ X-Delega-Signature verified (HMAC over "${done.headers["x-delega-timestamp"]}.<body>")`,
    );
    ctx.say("✔ Standard Webhooks signature verified with the standardwebhooks package");
    ctx.say(`caused by agent: ${done.json.agent.id}; status now: ${done.json.task.status}`);

    ctx.step("alice (a collaborator) closes another task on github.com");
    const { json: other } = await ctx.call(ctx.keys.monitor, "POST", "/v1/tasks", {
      content: "Confirm backups ran tonight",
      assigned_to_agent_id: "infra",
    });
    const res = await fetch(`${ctx.doubleUrl}/api/v3/repos/acme/ops-tasks/issues/${other.id}`, {
      method: "PATCH",
      headers: { authorization: "token user:alice", "content-type": "application/json" },
      body: JSON.stringify({ state: "closed", state_reason: "completed" }),
    });
    if (!res.ok) throw new Error(`closing on github.com answered ${res.status}`);
    const human = await receiver.next(
      (d) => d.json.event === "task.completed" && d.json.task.id === other.id,
    );
    ctx.say(
      `monitor received task.completed for #${other.id}, actor ${JSON.stringify(human.json.actor)}, verified`,
    );

    ctx.step("the delivery log");
    const { json: log } = await ctx.call(
      ctx.keys.monitor,
      "GET",
      `/v1/webhooks/${hook.id}/deliveries?limit=5`,
    );
    for (const d of log)
      ctx.say(
        `${d.id} ${d.event} #${d.task_id}: ${d.state} (${d.attempts} attempt, ${d.last_status})`,
      );
  } finally {
    await receiver.close();
  }
};
