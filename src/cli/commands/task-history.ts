import type { Command } from "commander";
import type { HistoryActor, HistoryEntry } from "../../sdk/index.js";
import { parseId, parseIntIn, run, withCommon, type CommonOptions } from "../context.js";
import { table } from "../output.js";

/** `baton tasks history <id>`: who changed a task, what and when. */
export function addHistoryCommand(tasks: Command): void {
  withCommon(
    tasks
      .command("history")
      .description("who changed a task, what and when (agents and people)")
      .argument("<id>", "task id", parseId)
      .option("--page <n>", "one page of the history (with --limit)", parseIntIn(1, 1_000_000))
      .option("--limit <n>", "entries per page (1-100)", parseIntIn(1, 100)),
  ).action((id: number, opts: CommonOptions & { page?: number; limit?: number }) =>
    run(
      opts,
      (c) =>
        opts.page || opts.limit
          ? c.tasks.history(id, { page: opts.page, limit: opts.limit })
          : c.tasks.historyAll(id),
      (entries) =>
        table(entries, [
          ["AT", (e) => e.at],
          ["WHO", (e) => actorName(e.actor)],
          ["ACTION", (e) => e.action],
          ["DETAIL", (e) => detailText(e)],
        ]),
    ),
  );
}

export const actorName = (actor: HistoryActor): string =>
  actor.type === "agent"
    ? `agent ${actor.id}`
    : actor.type === "person"
      ? `@${actor.login}`
      : `app ${actor.login ?? "?"}`;

const detailText = (entry: HistoryEntry): string =>
  Object.entries(entry.detail)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
