import { runAction, runnerEnv, type ActionRun } from "../../action/test/support/run-action.js";
import type { DemoChapter, DemoContext } from "./context.js";

/** Issue #6: the companion Action, run as a workflow step runs it (the bundled dist/index.js). */
export const companionAction: DemoChapter = async (ctx) => {
  const github = {
    token: "ghs_demo_workflow_token",
    repository: "acme/ops-tasks",
    apiUrl: `${ctx.doubleUrl}/api/v3`,
  };
  const rest = (key: string, inputs: Record<string, string>) =>
    runAction(runnerEnv({ "baton-url": ctx.batonUrl, "agent-key": key, ...inputs }, github));
  const token = (inputs: Record<string, string>) => runAction(runnerEnv(inputs, github));

  ctx.step("a deploy workflow completes the task it was started for (REST mode, as agent infra)");
  const { json: task } = await ctx.call(ctx.keys.monitor, "POST", "/v1/tasks", {
    content: "Deploy api v2.4.0 to production",
    assigned_to_agent_id: "infra",
  });
  const deployed = await rest(ctx.keys.infra, {
    operation: "complete",
    "task-id": String(task.id),
    comment: "Deployed in workflow run 4242.",
  });
  show(ctx, "uses: OWNER/baton/action@v1 with operation: complete", deployed);
  await ctx.showIssue(task.id);

  ctx.step("a nightly check opens a task in token mode (no Baton server needed), twice");
  const nightly = { operation: "create", content: "Nightly link check is failing", labels: "docs" };
  const first = await token(nightly);
  show(ctx, "night 1: operation: create", first);
  const second = await token(nightly);
  show(ctx, "night 2: the same create finds the open task", second);
  const noted = await token({
    operation: "comment",
    "task-id": second.outputs["duplicate-of"]!,
    comment: "Still failing in run 4243.",
  });
  show(ctx, "night 2: operation: comment on duplicate-of", noted);
  await ctx.showIssue(Number(first.outputs["task-id"]));
  const { json: seen } = await ctx.call(
    ctx.keys.admin,
    "GET",
    `/v1/tasks/${first.outputs["task-id"]}`,
  );
  ctx.say(`the server reads it as its own task: created by ${seen.created_by_agent_id}`);

  ctx.step("a bad input fails the step with one line");
  show(
    ctx,
    "operation: complete, task-id: abc",
    await token({ operation: "complete", "task-id": "abc" }),
  );
};

function show(ctx: DemoContext, title: string, run: ActionRun): void {
  ctx.say(`${title} → exit ${run.code}`);
  const failure = run.stdout.split("\n").find((line) => line.startsWith("::error::"));
  if (failure) ctx.say(`  ${failure}`);
  for (const [name, value] of Object.entries(run.outputs)) ctx.say(`  outputs.${name} = ${value}`);
}
