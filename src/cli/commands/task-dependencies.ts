import type { Command } from "commander";
import type { Task } from "../../sdk/index.js";
import { parseId, run, withCommon, type CommonOptions } from "../context.js";

/** "#12 waits for #3, #5" or that it waits for nothing. */
function printWaits(task: Task): void {
  console.log(
    task.blocked_by.length
      ? `#${task.id} waits for ${task.blocked_by.map((id) => `#${id}`).join(", ")}.`
      : `#${task.id} waits for nothing.`,
  );
}

/**
 * `baton tasks block|unblock <id> --on <blocker>` (docs/coordination.md): dependencies on
 * GitHub's own "blocked by", through the SDK's `addDependency` and `removeDependency`.
 */
export function addDependencyCommands(tasks: Command): void {
  withCommon(
    tasks
      .command("block")
      .description(
        'make a task wait for another (GitHub\'s "blocked by"): not ready until it completes',
      )
      .argument("<id>", "the task that waits", parseId)
      .requiredOption("--on <blocker>", "the task it waits for", parseId),
  ).action((id: number, opts: CommonOptions & { on: number }) =>
    run(opts, (c) => c.tasks.addDependency(id, opts.on), printWaits),
  );

  withCommon(
    tasks
      .command("unblock")
      .description("stop a task waiting for another")
      .argument("<id>", "the task that waits", parseId)
      .requiredOption("--on <blocker>", "the task it should no longer wait for", parseId),
  ).action((id: number, opts: CommonOptions & { on: number }) =>
    run(opts, (c) => c.tasks.removeDependency(id, opts.on), printWaits),
  );
}
