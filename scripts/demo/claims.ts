import type { ApiResponse } from "../../test/support/stack.js";
import type { DemoChapter, DemoContext } from "./context.js";

/** Polls a read until it holds (the lease sweep runs every 200 ms in the demo). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the lease never ran out");
}

/** "infra: 200, holds #3 (claim token 1)" or "infra2: 409 task_claimed: …". */
function claimLine(ctx: DemoContext, who: string, res: ApiResponse): void {
  if (res.status === 200)
    ctx.say(`${who}: 200, holds #${res.json.task.id} (claim token ${res.json.claim_token})`);
  else ctx.say(`${who}: ${res.status} ${res.json.code}: ${res.json.error}`);
}

/**
 * Issue #17: two infrastructure agents race for the same task; one wins, the other takes the
 * next ready one; a crashed agent's short lease runs out and the task is claimable again.
 */
export const claims: DemoChapter = async (ctx) => {
  const { monitor, infra, infra2 } = ctx.keys;
  ctx.step("monitor files two tasks for whichever infrastructure agent is free");
  const file = async (content: string, priority: number) =>
    (
      await ctx.call(monitor, "POST", "/v1/tasks", {
        content,
        priority,
        labels: ["infra-queue"],
      })
    ).json.id as number;
  const urgent = await file("Renew the wildcard certificate before it expires", 4);
  const later = await file("Rotate the backup encryption key", 2);
  ctx.say(`#${urgent} (urgent) and #${later} (medium), both unassigned: work for any worker`);

  ctx.step("infra and infra2 race for the urgent task at the same moment");
  const [a, b] = await Promise.all([
    ctx.api(infra, "POST", `/v1/tasks/${urgent}/claim`, { lease_seconds: 300 }),
    ctx.api(infra2, "POST", `/v1/tasks/${urgent}/claim`, { lease_seconds: 300 }),
  ]);
  claimLine(ctx, "infra ", a);
  claimLine(ctx, "infra2", b);
  if ([a.status, b.status].sort().join() !== "200,409") throw new Error("expected one winner");
  const [winner, loser] = a.status === 200 ? ["infra", "infra2"] : ["infra2", "infra"];
  const keyOf = (name: string) => (name === "infra" ? infra : infra2);
  await ctx.showIssue(urgent);

  ctx.step(`${loser} takes the next ready task from the queue instead`);
  const { json: next } = await ctx.call(keyOf(loser), "POST", "/v1/tasks/claim", {
    labels: ["infra-queue"],
    lease_seconds: 300,
  });
  ctx.say(`${loser} now holds #${next.task.id}: ${next.task.content}`);

  ctx.step(`${winner} links its pull request to #${urgent}`);
  await ctx.call(keyOf(winner), "POST", `/v1/tasks/${urgent}/links`, {
    kind: "pr",
    repo: "acme/infra",
    ref: "318",
  });
  await ctx.showIssue(urgent);

  ctx.step(`${loser} renews with a 1 s lease, then crashes (no more heartbeats)`);
  await ctx.call(keyOf(loser), "POST", `/v1/tasks/${later}/heartbeat`, {
    lease_seconds: 1,
    detail: "restoring from the old key",
    state: "working",
  });
  const freed = await until(
    async () => (await ctx.call(monitor, "GET", `/v1/tasks/${later}`)).json,
    // Released in the store at once; GitHub shows it open after the next sweep.
    (task) => task.claimed_by_agent_id === null && task.status === "open",
  );
  ctx.say(
    `the lease ran out: #${later} is ${freed.status} again, left by ${freed.handoff_by_agent_id}`,
  );
  const { json: triage } = await ctx.call(monitor, "GET", "/v1/fleet/attention");
  ctx.say(
    `fleet attention: abandoned claims ${triage.buckets.abandoned_claims.map((t: { id: number }) => `#${t.id}`).join(", ")}`,
  );

  ctx.step(`${winner} finishes #${urgent}, then picks up the abandoned #${later}`);
  await ctx.call(keyOf(winner), "POST", `/v1/tasks/${urgent}/complete`);
  const { json: again } = await ctx.call(keyOf(winner), "POST", `/v1/tasks/${later}/claim`);
  ctx.say(
    `${winner} holds #${later} with claim token ${again.claim_token}; hand-off: "${again.task.handoff_note}"`,
  );
  // The crashed agent wakes up with its old token: refused, its successor is safe.
  const stale = await ctx.api(keyOf(loser), "POST", `/v1/tasks/${later}/heartbeat`, {
    claim_token: next.claim_token,
  });
  ctx.say(`${loser} wakes up and heartbeats: ${stale.status} ${stale.json.code}`);
};
