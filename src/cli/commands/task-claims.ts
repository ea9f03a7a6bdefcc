import { Option, type Command } from "commander";
import type { Claimed, Task } from "../../sdk/index.js";
import { SessionStateSchema } from "../../tasks/task-schema.js";
import {
  parseId,
  parseIntIn,
  parseList,
  run,
  UsageError,
  withCommon,
  type CommonOptions,
} from "../context.js";
import { table, taskColumns } from "../output.js";

/** The lease bounds are the server's (BATON_LEASE_MIN_S/MAX_S); this only keeps it sane. */
const parseLease = parseIntIn(1, 86_400);
const parseToken = parseIntIn(0, Number.MAX_SAFE_INTEGER);

type SessionState = Task["session_state"] & string;

/** "Claimed #12 until 10:05:00Z (token 3)", or that nothing was ready. */
function printClaimed(claimed: Claimed): void {
  const task = claimed.task;
  if (!task) return console.log("No ready task to claim.");
  console.log(
    `Claimed #${task.id}: ${task.content}\nLease until ${task.lease_expires_at}; claim token ${claimed.claim_token} (pass --token to heartbeat and release).\n${task.url}`,
  );
  const handoff = task.handoff_note ?? task.session_state_detail;
  if (handoff) console.log(`Handed over: ${handoff}`);
}

/**
 * `baton tasks claim|heartbeat|release|ready` (docs/coordination.md): claims with leases and the
 * ready queue, through the SDK's `claims` calls.
 */
export function addClaimCommands(tasks: Command): void {
  withCommon(
    tasks
      .command("claim")
      .description("claim a task with a lease, or the best ready one when no id is given")
      .argument("[id]", "task id (none: the next ready task)", parseId)
      .option("--lease <seconds>", "lease length (the server's default when left out)", parseLease)
      .option("--project <id|slug>", "without an id: only this project's tasks")
      .option("--labels <a,b>", "without an id: only tasks carrying all these labels", parseList),
  ).action(
    (
      id: number | undefined,
      opts: CommonOptions & { lease?: number; project?: string; labels?: string[] },
    ) => {
      if (id !== undefined && (opts.project || opts.labels))
        throw new UsageError("--project and --labels choose a ready task: leave out the id");
      const lease = opts.lease !== undefined ? { lease_seconds: opts.lease } : {};
      return run(
        opts,
        (c) =>
          id !== undefined
            ? c.claims.claim(id, lease)
            : c.claims.next({
                ...lease,
                ...(opts.project ? { project_id: opts.project } : {}),
                ...(opts.labels ? { labels: opts.labels } : {}),
              }),
        printClaimed,
      );
    },
  );

  withCommon(
    tasks
      .command("heartbeat")
      .description("extend your lease; optionally say how it is going")
      .argument("<id>", "task id", parseId)
      .option("--lease <seconds>", "new lease length from now", parseLease)
      .addOption(new Option("--state <state>", "session state").choices(SessionStateSchema.options))
      .option("--detail <text>", "what you are doing or waiting for")
      .option("--token <n>", "the claim token your claim answered with", parseToken),
  ).action(
    (
      id: number,
      opts: CommonOptions & {
        lease?: number;
        state?: SessionState;
        detail?: string;
        token?: number;
      },
    ) =>
      run(
        opts,
        (c) =>
          c.claims.heartbeat(id, {
            ...(opts.lease !== undefined ? { lease_seconds: opts.lease } : {}),
            ...(opts.state ? { state: opts.state } : {}),
            ...(opts.detail !== undefined ? { detail: opts.detail } : {}),
            ...(opts.token !== undefined ? { claim_token: opts.token } : {}),
          }),
        (task) =>
          console.log(
            `Lease on #${task.id} until ${task.lease_expires_at}${task.session_state ? ` (${task.session_state.replace("_", " ")})` : ""}.`,
          ),
      ),
  );

  withCommon(
    tasks
      .command("release")
      .description("give a claimed task back, optionally with a note for the next holder")
      .argument("<id>", "task id", parseId)
      .option("--handoff <text>", "what the next holder should know")
      .option("--token <n>", "the claim token your claim answered with", parseToken),
  ).action((id: number, opts: CommonOptions & { handoff?: string; token?: number }) =>
    run(
      opts,
      (c) =>
        c.claims.release(id, {
          ...(opts.handoff !== undefined ? { handoff: opts.handoff } : {}),
          ...(opts.token !== undefined ? { claim_token: opts.token } : {}),
        }),
      (task) => console.log(`Released #${task.id}: it is claimable again.`),
    ),
  );

  withCommon(
    tasks
      .command("ready")
      .description("tasks ready for you to claim, best first (priority, then oldest)")
      .option("--project <id|slug>", "only this project's tasks")
      .option("--label <label>", "only tasks with this label")
      .option("--limit <n>", "at most n tasks (1–100)", parseIntIn(1, 100)),
  ).action((opts: CommonOptions & { project?: string; label?: string; limit?: number }) =>
    run(
      opts,
      (c) =>
        c.claims.ready({
          ...(opts.project ? { project_id: opts.project } : {}),
          ...(opts.label ? { label: opts.label } : {}),
          ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
        }),
      (list) => (list.length ? table(list, taskColumns) : console.log("No ready task.")),
    ),
  );
}
