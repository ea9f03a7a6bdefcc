import { Command } from "commander";
import type { FleetAttention, Task } from "../../sdk/index.js";
import { parseIntIn, run, withCommon, type CommonOptions } from "../context.js";
import { table } from "../output.js";

const TITLES: Record<keyof FleetAttention["buckets"], string> = {
  abandoned_claims: "Abandoned claims (the lease ran out; nobody took the task since)",
  silent_holders: "Silent holders (no heartbeat for over half the lease)",
  errored: "Errored",
  waiting_input: "Waiting for input",
  overdue: "Overdue",
  looping: "Looping (reopened again and again)",
};

const columns: Array<[string, (t: Task) => unknown]> = [
  ["ID", (t) => t.id],
  [
    "HOLDER",
    (t) => t.claimed_by_agent_id ?? (t.handoff_by_agent_id && `(${t.handoff_by_agent_id})`),
  ],
  ["DUE", (t) => t.due_date],
  ["DETAIL", (t) => t.session_state_detail ?? t.handoff_note],
  ["CONTENT", (t) => t.content],
];

function printAttention(attention: FleetAttention): void {
  if (attention.count === 0) return console.log("Nothing needs attention.");
  console.log(`${attention.count} task(s) need a look.`);
  for (const [bucket, title] of Object.entries(TITLES)) {
    const tasks = attention.buckets[bucket as keyof FleetAttention["buckets"]];
    if (!tasks.length) continue;
    console.log(`\n${title}: ${tasks.length}`);
    table(tasks, columns);
  }
}

/** `baton fleet attention`: triage across the agents (docs/coordination.md). */
export function fleetCommand(): Command {
  const fleet = new Command("fleet").description("what the fleet of agents needs from you");
  withCommon(
    fleet
      .command("attention")
      .description(
        "abandoned claims, silent holders, errored, waiting for input, overdue, looping tasks",
      )
      .option("--limit <n>", "at most n tasks per group (1–200)", parseIntIn(1, 200)),
  ).action((opts: CommonOptions & { limit?: number }) =>
    run(
      opts,
      (c) => c.fleet.attention(opts.limit !== undefined ? { limit: opts.limit } : {}),
      printAttention,
    ),
  );
  return fleet;
}
