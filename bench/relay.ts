/**
 * `npm run bench:relay`: the event relay against the real server process, offline.
 * - latency: a GitHub `issues` webhook POSTed to the App → the signed delivery arriving at a
 *   loopback receiver (p50, p99), one event at a time;
 * - throughput: deliveries/s sustained to 10 receivers (10 subscriptions, events sent 20 at once);
 * - kill -9: events accepted while receivers acknowledge nothing, the server killed, restarted:
 *   events never delivered afterwards are lost (must be 0);
 * - RSS of the server (peak).
 * Last line: one JSON object.
 */
import { readFileSync } from "node:fs";
import { startEventReceiver, type EventReceiver } from "../test/support/event-receiver.js";
import { EXAMPLES_REPO, openedPayload, sendWebhook } from "../test/support/inbound-webhooks.js";
import { startStack, type Stack } from "../test/support/stack.js";

const SECRET = "test-webhook-secret";
const LATENCY_EVENTS = 300;
const THROUGHPUT_EVENTS = 400;
const RECEIVERS = 10;
const KILL_EVENTS = 1000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (n: number) => Math.round(n * 10) / 10;

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return round(kb / 1024);
}

async function subscribe(stack: Stack, key: string, url: string): Promise<number> {
  const res = await stack.api(key, "POST", "/v1/webhooks", { url, events: ["*"] });
  if (res.status !== 201) throw new Error(`subscribe failed: ${JSON.stringify(res.json)}`);
  return res.json.id as number;
}

async function latency(stack: Stack, admin: string, next: () => number) {
  const receiver = await startEventReceiver();
  const id = await subscribe(stack, admin, receiver.url);
  const arrivals = new Map<number, number>();
  receiver.respond = (event) => {
    arrivals.set(event.json.task.id as number, performance.now());
    return 200;
  };
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_EVENTS + 20; i++) {
    const number = next();
    const sent = performance.now();
    await sendWebhook(stack.baton.url, SECRET, "issues", openedPayload(number));
    await receiver.waitFor(() => arrivals.has(number), 10_000);
    if (i >= 20) samples.push(arrivals.get(number)! - sent); // the first ones warm up
  }
  await stack.api(admin, "DELETE", `/v1/webhooks/${id}`);
  await receiver.close();
  samples.sort((a, b) => a - b);
  return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) };
}

async function throughput(stack: Stack, admin: string, next: () => number) {
  const receivers: EventReceiver[] = [];
  const ids: number[] = [];
  for (let i = 0; i < RECEIVERS; i++) {
    const receiver = await startEventReceiver();
    receivers.push(receiver);
    ids.push(await subscribe(stack, admin, receiver.url));
  }
  const total = THROUGHPUT_EVENTS * RECEIVERS;
  const started = performance.now();
  const numbers = Array.from({ length: THROUGHPUT_EVENTS }, next);
  for (let i = 0; i < numbers.length; i += 20) {
    await Promise.all(
      numbers
        .slice(i, i + 20)
        .map((n) => sendWebhook(stack.baton.url, SECRET, "issues", openedPayload(n))),
    );
  }
  await Promise.all(
    receivers.map((r) => r.waitFor((all) => all.length >= THROUGHPUT_EVENTS, 60_000)),
  );
  const seconds = (performance.now() - started) / 1000;
  const delivered = receivers.reduce((n, r) => n + r.received.length, 0);
  for (const id of ids) await stack.api(admin, "DELETE", `/v1/webhooks/${id}`);
  for (const r of receivers) await r.close();
  return { deliveries_per_s: Math.round(total / seconds), delivered, seconds: round(seconds) };
}

async function killTest(stack: Stack, admin: string, next: () => number) {
  const receiver = await startEventReceiver();
  const id = await subscribe(stack, admin, receiver.url);
  let acknowledging = false;
  let calls = 0;
  receiver.respond = () =>
    acknowledging ? 200 : calls++ % 2 === 0 ? new Promise<number>(() => undefined) : 503;
  const accepted: number[] = [];
  const numbers = Array.from({ length: KILL_EVENTS }, next);
  for (let i = 0; i < numbers.length; i += 50) {
    const batch = numbers.slice(i, i + 50);
    const statuses = await Promise.all(
      batch.map((n) => sendWebhook(stack.baton.url, SECRET, "issues", openedPayload(n))),
    );
    batch.forEach((n, j) => statuses[j] === 200 && accepted.push(n));
  }
  await stack.baton.kill();
  acknowledging = true;
  await stack.restart();
  const want = new Set(accepted);
  const got = () => new Set(receiver.received.map((e) => e.json.task.id as number));
  await receiver.waitFor(() => [...want].every((n) => got().has(n)), 60_000).catch(() => undefined);
  const seen = got();
  const lost = accepted.filter((n) => !seen.has(n)).length;
  const duplicates = receiver.received.length - seen.size;
  await stack.api(admin, "DELETE", `/v1/webhooks/${id}`);
  await receiver.close();
  return { accepted: accepted.length, lost_after_kill: lost, duplicates_after_kill: duplicates };
}

async function main() {
  // The payloads are GitHub's examples, from their repository: Baton ignores any other.
  const stack = await startStack({
    repo: EXAMPLES_REPO,
    env: { BATON_ALLOW_PRIVATE_WEBHOOKS: "true" },
  });
  let issue = 100;
  const next = () => issue++;
  try {
    const admin = await stack.createAgent("admin", "admin");
    const latency_ms = await latency(stack, admin, next);
    console.error(`latency ${JSON.stringify(latency_ms)}`);
    const rate = await throughput(stack, admin, next);
    console.error(`throughput ${JSON.stringify(rate)}`);
    const rss_mb = peakRssMb(stack.baton.child.pid!);
    const kill = await killTest(stack, admin, next);
    console.error(`kill -9 ${JSON.stringify(kill)}`);
    console.log(
      JSON.stringify({
        latency_ms,
        deliveries_per_s: rate.deliveries_per_s,
        receivers: RECEIVERS,
        deliveries: rate.delivered,
        lost_after_kill: kill.lost_after_kill,
        accepted_before_kill: kill.accepted,
        duplicates_after_kill: kill.duplicates_after_kill,
        rss_mb,
      }),
    );
  } finally {
    await stack.stop();
  }
}

await main();
