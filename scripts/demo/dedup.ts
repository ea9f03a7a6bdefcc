import type { DemoChapter } from "./context.js";

interface Match {
  task_id: number;
  score: number;
}
const listed = (matches: Match[]): string =>
  matches.map((match) => `#${match.task_id} (score ${match.score})`).join(", ") || "none";

/** Issue #7: a paraphrase of an open task is refused with its matches; a near miss is not. */
export const dedup: DemoChapter = async (ctx) => {
  ctx.step("monitor files a task");
  const { json: open } = await ctx.call(ctx.keys.monitor, "POST", "/v1/tasks", {
    content: "Check disk usage on db-1.example.com",
    description: "The /var partition is above 85% and growing; find what fills it.",
    assigned_to_agent_id: "infra",
  });
  ctx.say(`task #${open.id}: ${open.content}`);

  ctx.step("the same work on another host is a different task");
  const { json: other } = await ctx.call(ctx.keys.monitor, "POST", "/v1/tasks", {
    content: "Check disk usage on db-2.example.com",
    description: "The /var partition is above 85% and growing; find what fills it.",
    assigned_to_agent_id: "infra",
  });
  ctx.say(`task #${other.id} created`);

  ctx.step("monitor forgets, and files the db-1 work again in other words");
  const openTasks = async (): Promise<number> =>
    ((await ctx.call(ctx.keys.admin, "GET", "/v1/tasks?limit=100")).json as unknown[]).length;
  const before = await openTasks();
  const again = await ctx.api(ctx.keys.monitor, "POST", "/v1/tasks", {
    content: "Disk usage check on db-1.example.com",
    description: "The /var partition keeps growing; find what is filling it.",
    assigned_to_agent_id: "infra",
  });
  if (again.status !== 409) throw new Error(`expected 409 duplicate_task, got ${again.status}`);
  ctx.say(`${again.status} ${again.json.code}, matches: ${listed(again.json.matches)}`);
  const matched = (again.json.matches as Match[]).map((match) => match.task_id);
  if (matched.includes(other.id) || (await openTasks()) !== before)
    throw new Error("the paraphrase matched the db-2 task or created an issue");
  ctx.say("no issue was created; the db-2 task is not a match (its host differs)");

  ctx.step("POST /v1/tasks/dedup asks without creating; completed tasks never match");
  const { json: answer } = await ctx.call(ctx.keys.monitor, "POST", "/v1/tasks/dedup", {
    content: "Renew the TLS certificate of api.example.com",
  });
  ctx.say(
    `"Renew the TLS certificate of api.example.com": has_duplicates ${answer.has_duplicates}, matches: ${listed(answer.matches)}`,
  );
};
