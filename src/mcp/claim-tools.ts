import { z } from "zod";
import type { Claimed, Task } from "../sdk/index.js";
import { CLAIM_DETAIL_MAX } from "../tasks/claim-schema.js";
import { SessionStateSchema } from "../tasks/task-schema.js";
import { taskLine } from "./format.js";
import { taskId, tool, type BatonTool } from "./tools.js";

const lease = z
  .number()
  .int()
  .describe("Lease length in seconds (30–3600, default 300); heartbeat before it ends");
const state = SessionStateSchema.describe(
  "working; waiting_input (needs an answer); errored (stuck on a failure)",
);
const detail = z
  .string()
  .max(CLAIM_DETAIL_MAX)
  .describe("One line: what you wait for, or what failed");

const holding = (task: Task) =>
  task.claimed_by_agent_id
    ? `claimed by ${task.claimed_by_agent_id} until ${task.lease_expires_at} (${task.session_state})`
    : "not claimed";

function claimedText(claimed: Claimed): string {
  if (!claimed.task) return "Nothing is ready to claim right now.";
  const handoff = claimed.task.handoff_note
    ? `\nHand-off from ${claimed.task.handoff_by_agent_id}: ${claimed.task.handoff_note}`
    : "";
  return `Claimed ${taskLine(claimed.task)}\nLease until ${claimed.task.lease_expires_at}; claim token ${claimed.claim_token}.${handoff}`;
}

/** Claims and leases, with the hosted Delega MCP's tool names (docs/coordination.md). */
export const CLAIM_TOOLS: BatonTool[] = [
  tool({
    name: "claim_task",
    description:
      "Claim a task before working on it, so no other agent works on it too. With task_id, that task; without, the best ready task (optionally in a project or with labels). Heartbeat before the lease ends; release or complete when done.",
    kind: "write",
    input: {
      task_id: taskId.optional(),
      project_id: z.union([z.number().int().positive(), z.string().min(1)]).optional(),
      labels: z.array(z.string()).optional(),
      lease_seconds: lease.optional(),
    },
    run: async (client, { task_id, lease_seconds, ...query }) =>
      claimedText(
        task_id !== undefined
          ? await client.claims.claim(task_id, lease_seconds ? { lease_seconds } : {})
          : await client.claims.next({ ...query, lease_seconds }),
      ),
  }),
  tool({
    name: "heartbeat_task",
    description:
      "Extend your lease on a task you claimed (and optionally report your state). Without heartbeats the claim expires and another agent may take the task.",
    kind: "write",
    input: {
      task_id: taskId,
      lease_seconds: lease.optional(),
      state: state.optional(),
      detail: detail.optional(),
    },
    run: async (client, { task_id, ...body }) =>
      `#${task_id}: ${holding(await client.claims.heartbeat(task_id, body))}`,
  }),
  tool({
    name: "set_task_state",
    description:
      "Say how your claimed task is going: waiting_input when you need an answer, errored when stuck, working again after. People see it on GitHub.",
    kind: "write",
    input: { task_id: taskId, state, detail: detail.optional() },
    run: async (client, { task_id, ...body }) =>
      `#${task_id}: ${holding(await client.claims.setState(task_id, body))}`,
  }),
  tool({
    name: "release_task",
    description:
      "Give a claimed task back without completing it, with a hand-off note for the next agent (what is done, what is left).",
    kind: "write",
    input: { task_id: taskId, handoff: z.string().max(2000).optional() },
    run: async (client, { task_id, handoff }) => {
      const task = await client.claims.release(task_id, handoff ? { handoff } : {});
      return `Released ${taskLine(task)}`;
    },
  }),
];
