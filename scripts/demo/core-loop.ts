import type { DemoChapter } from "./context.js";

/** Issue #2's loop: monitor files a task for infra; infra lists, comments and completes it. */
export const coreLoop: DemoChapter = async (ctx) => {
  ctx.step("monitor creates a task for infra");
  const { json: task } = await ctx.call(ctx.keys.monitor, "POST", "/v1/tasks", {
    content: "Renew TLS cert for api.example.com",
    description:
      "The certificate expires in 7 days. Renew it with the ACME client and reload nginx.",
    priority: 3,
    assigned_to_agent_id: "infra",
    labels: ["tls"],
  });
  ctx.say(`task #${task.id} created: ${task.url}`);
  await ctx.showIssue(task.id);

  ctx.step("infra lists its tasks");
  const { json: mine } = await ctx.call(ctx.keys.infra, "GET", "/v1/tasks?assigned_to=infra");
  for (const t of mine)
    ctx.say(`#${t.id} [p${t.priority}] ${t.content} (from ${t.created_by_agent_id}, ${t.status})`);

  ctx.step("infra comments");
  await ctx.call(ctx.keys.infra, "POST", `/v1/tasks/${task.id}/comments`, {
    content: "Renewed; new expiry 2027-02-23. Reloading nginx.",
  });
  await ctx.showIssue(task.id);

  ctx.step("infra completes it");
  const { json: done } = await ctx.call(ctx.keys.infra, "POST", `/v1/tasks/${task.id}/complete`);
  ctx.say(
    `status: ${done.status}, completed by ${done.completed_by_agent_id} at ${done.completed_at}`,
  );
  await ctx.showIssue(task.id);
};
