import type { Command } from "commander";
import { parseNumberIn, run, UsageError, withCommon, type CommonOptions } from "../context.js";
import { table } from "../output.js";

/** `baton tasks dedup`: would a create be refused, or only name possible duplicates? */
export function addDedupCommand(tasks: Command): void {
  withCommon(
    tasks
      .command("dedup")
      .description("check whether a similar open task exists (creates nothing)")
      .argument("[content]", "the task text")
      .option("--content <text>", "the task text (Delega's flag)")
      .option("--description <text>", "its description")
      .option(
        "--threshold <0-1>",
        "similarity needed to count as a duplicate",
        parseNumberIn(0, 1),
      ),
  ).action(
    (
      positional: string | undefined,
      opts: CommonOptions & { content?: string; description?: string; threshold?: number },
    ) => {
      const content = opts.content ?? positional;
      if (!content) throw new UsageError('Give the task text: baton tasks dedup "…"');
      return run(
        opts,
        (c) => c.tasks.dedup({ content, description: opts.description, threshold: opts.threshold }),
        (result) => {
          const possible = result.possible_duplicates ?? [];
          if (result.matches.length + possible.length === 0)
            return console.log("No similar open task.");
          const rows = [
            ...result.matches.map((m) => ({ ...m, level: "duplicate" })),
            ...possible.map((m) => ({ ...m, level: "possible" })),
          ];
          console.log(
            result.has_duplicates
              ? "Same work already open (a create would be refused):"
              : "Possibly the same work (a create would go on):",
          );
          table(rows, [
            ["ID", (m) => m.task_id],
            ["LEVEL", (m) => m.level],
            ["SCORE", (m) => m.score.toFixed(2)],
            ["CONTENT", (m) => m.content],
            ["URL", (m) => m.url],
          ]);
        },
      );
    },
  );
}
