import { Command } from "commander";
import { parseIntIn, parseList, run, withCommon, type CommonOptions } from "../context.js";
import { details, table } from "../output.js";

const EVENTS =
  "task.created, task.updated, task.completed, task.reopened, task.deleted, task.assigned, task.delegated, task.commented, task.chain_completed";

export function webhooksCommand(): Command {
  const webhooks = new Command("webhooks").description("signed event subscriptions (admin)");

  withCommon(webhooks.command("list").description("list subscriptions")).action(
    (opts: CommonOptions) =>
      run(
        opts,
        (c) => c.webhooks.list(),
        (list) =>
          table(list, [
            ["ID", (w) => w.id],
            ["ACTIVE", (w) => (w.active === false ? "no" : "yes")],
            ["EVENTS", (w) => w.events.join(",")],
            ["URL", (w) => w.url],
          ]),
      ),
  );

  withCommon(
    webhooks
      .command("create")
      .description("subscribe a URL to events; prints the signing secret (shown once)")
      .argument("<url>", "https:// URL that receives the events")
      .requiredOption("--events <a,b>", `events: ${EVENTS}`, parseList)
      .option("--project <id>", "only tasks of this project (id or slug)")
      .option("--agent <id>", "only tasks this agent created or holds"),
  ).action(
    (url: string, opts: CommonOptions & { events: string[]; project?: string; agent?: string }) =>
      run(
        opts,
        (c) =>
          c.webhooks.create({
            url,
            events: opts.events,
            project_id: opts.project,
            agent_id: opts.agent,
          }),
        (hook) => {
          console.log(`Created webhook ${hook.id} for ${hook.url}.`);
          if (hook.secret) console.log(`Signing secret (shown once, store it now): ${hook.secret}`);
        },
      ),
  );

  withCommon(
    webhooks.command("delete").description("delete a subscription").argument("<id>", "webhook id"),
  ).action((id: string, opts: CommonOptions) =>
    run(
      opts,
      (c) => c.webhooks.delete(id),
      () => console.log(`Deleted webhook ${id}.`),
    ),
  );

  withCommon(
    webhooks
      .command("deliveries")
      .description("recent deliveries of a subscription")
      .argument("<id>", "webhook id")
      .option("--limit <n>", "at most n", parseIntIn(1, 100)),
  ).action((id: string, opts: CommonOptions & { limit?: number }) =>
    run(
      opts,
      (c) => c.webhooks.deliveries(id, { limit: opts.limit }),
      (list) =>
        table(list, [
          ["ID", (d) => d.id],
          ["EVENT", (d) => d.event],
          ["TASK", (d) => d.task_id],
          ["STATE", (d) => d.state],
          ["HTTP", (d) => d.last_status],
          ["TRIES", (d) => d.attempts],
          ["AT", (d) => d.created_at],
        ]),
    ),
  );

  withCommon(
    webhooks
      .command("redeliver")
      .description("send a delivery again")
      .argument("<id>", "webhook id")
      .argument("<delivery>", "delivery id"),
  ).action((id: string, delivery: string, opts: CommonOptions) =>
    run(
      opts,
      (c) => c.webhooks.redeliver(id, delivery),
      (result) => {
        console.log(`Queued delivery ${delivery} of webhook ${id} again.`);
        details(Object.entries(result));
      },
    ),
  );

  withCommon(
    webhooks
      .command("test")
      .description("send a signed test event now")
      .argument("<id>", "webhook id"),
  ).action((id: string, opts: CommonOptions) =>
    run(
      opts,
      (c) => c.webhooks.test(id),
      (result) => {
        console.log(`Sent a test event to webhook ${id}.`);
        details(Object.entries(result));
      },
    ),
  );

  return webhooks;
}
