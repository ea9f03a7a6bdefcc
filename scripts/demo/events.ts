import {
  startEventReceiver,
  verifyDelega,
  verifyStandard,
  type ReceivedEvent,
} from "../../test/support/event-receiver.js";
import type { DemoChapter } from "./context.js";

/** Monitor's own HTTP receiver on loopback: only deliveries with both signatures valid count. */
async function startMonitorReceiver(secret: () => string) {
  const receiver = await startEventReceiver();
  receiver.respond = (event) =>
    verifyDelega(event, secret()) && verifyStandard(event, secret()) ? 204 : 401;
  const next = async (predicate: (event: ReceivedEvent) => boolean) => {
    await receiver.waitFor((all) => all.some(predicate), 15_000);
    return receiver.received.find(predicate)!;
  };
  return { url: receiver.url, next, close: () => receiver.close() };
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
