import type { DemoChapter, DemoContext } from "./context.js";

interface ChainTask {
  id: number;
  content: string;
  status: string;
  delegation_depth: number;
  parent_task_id: number | null;
  assigned_to_agent_id: string | null;
  redacted: boolean;
}

/** Waits until the GitHub double has delivered every webhook (the lifecycle runs from them). */
async function settled(ctx: DemoContext): Promise<void> {
  await fetch(`${ctx.doubleUrl}/_double/idle`, { method: "POST" });
}

/** Prints `GET /tasks/{id}/chain` as the sub-issue tree github.com shows. */
async function printTree(ctx: DemoContext, key: string, id: number): Promise<void> {
  const { json } = await ctx.call(key, "GET", `/v1/tasks/${id}/chain`);
  const chain = json as {
    chain: ChainTask[];
    depth: number;
    completed_count: number;
    total_count: number;
  };
  const print = (task: ChainTask, indent: string) => {
    const text = task.redacted ? "(hidden from this agent)" : task.content;
    const holder = task.assigned_to_agent_id ? ` → ${task.assigned_to_agent_id}` : "";
    ctx.say(
      `${indent}#${task.id} [depth ${task.delegation_depth}, ${task.status}]${holder}  ${text}`,
    );
    for (const child of chain.chain.filter((t) => t.parent_task_id === task.id))
      print(child, `${indent}   `);
  };
  print(chain.chain[0]!, "");
  ctx.say(`depth ${chain.depth}, ${chain.completed_count}/${chain.total_count} completed`);
}

/** Issue #3: monitor → infra → dns as a sub-issue tree, then the roll-up when the leaf completes. */
export const delegation: DemoChapter = async (ctx) => {
  const { admin, monitor, infra, dns } = ctx.keys;
  ctx.step("monitor files an incident it owns");
  const { json: root } = await ctx.call(monitor, "POST", "/v1/tasks", {
    content: "Users report timeouts on api.example.com",
    description: "p95 latency went from 300 ms to 4 s at 09:12 UTC.",
    priority: 4,
    assigned_to_agent_id: "monitor",
  });
  ctx.say(`task #${root.id}`);

  ctx.step("monitor delegates the investigation to infra");
  const { json: mid } = await ctx.call(monitor, "POST", `/v1/tasks/${root.id}/delegate`, {
    content: "Find the slow dependency behind api.example.com",
    assigned_to_agent_id: "infra",
  });
  ctx.say(
    `#${mid.id}: depth ${mid.delegation_depth}, parent #${mid.parent_task_id}, root #${mid.root_task_id}`,
  );

  ctx.step("infra delegates the DNS part to dns (auto_complete_parent: done when dns is done)");
  const { json: leaf } = await ctx.call(infra, "POST", `/v1/tasks/${mid.id}/delegate`, {
    content: "Check resolver latency for api.example.com",
    description: "Compare the three upstream resolvers; switch if one is over 200 ms.",
    assigned_to_agent_id: "dns",
    auto_complete_parent: true,
  });
  ctx.say(
    `#${leaf.id}: depth ${leaf.delegation_depth}, parent #${leaf.parent_task_id}, root #${leaf.root_task_id}`,
  );
  await settled(ctx);
  await ctx.showIssue(leaf.id);

  ctx.step("the whole chain (an admin's view; a sub-issue tree on github.com)");
  await printTree(ctx, admin, root.id);

  ctx.step("the chain as monitor sees it: dns's task was made by infra, so its text is hidden");
  await printTree(ctx, monitor, root.id);

  ctx.step("the same chain as dns sees it: only its own task readable");
  await printTree(ctx, dns, leaf.id);

  ctx.step("dns completes its task; the chain rolls up");
  await ctx.call(dns, "POST", `/v1/tasks/${leaf.id}/complete`);
  await settled(ctx);
  await printTree(ctx, admin, root.id);
  ctx.say(
    `infra's #${mid.id} completed itself (auto_complete_parent); monitor's #${root.id} is open again, its chain done`,
  );
};
