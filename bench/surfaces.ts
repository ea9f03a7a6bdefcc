/**
 * What the agent surfaces cost on top of REST: median latency of `GET /v1/tasks/{id}` against
 * the same read through the SDK and through the MCP tool `get_task` over /mcp (which calls the
 * REST API over loopback). Prints one JSON object on its last line.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { BatonClient } from "../src/sdk/index.js";
import { startStack } from "../test/support/stack.js";

const ROUNDS = Number(process.env.ROUNDS ?? 50);

async function median(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]! * 100) / 100;
}

const stack = await startStack();
try {
  const key = await stack.createAgent("bench", "admin");
  const sdk = new BatonClient({ baseUrl: `${stack.baton.url}/v1`, agentKey: key });
  const task = await sdk.tasks.create({ content: "Bench task" });
  const mcp = new Client({ name: "bench", version: "1" });
  await mcp.connect(
    new StreamableHTTPClientTransport(new URL(`${stack.baton.url}/mcp`), {
      requestInit: { headers: { "x-agent-key": key } },
    }),
  );
  const before = stack.double.requests.length;
  const result = {
    rounds: ROUNDS,
    rest_get_task_ms: await median(() => stack.api(key, "GET", `/v1/tasks/${task.id}`)),
    sdk_get_task_ms: await median(() => sdk.tasks.get(task.id)),
    // get_task also reads the comments: two REST calls per tool call.
    mcp_http_get_task_ms: await median(() =>
      mcp.callTool({ name: "get_task", arguments: { task_id: task.id } }),
    ),
    mcp_http_list_tasks_ms: await median(() =>
      mcp.callTool({ name: "list_tasks", arguments: { limit: 10 } }),
    ),
    github_requests: stack.double.requests.length - before,
  };
  await mcp.close();
  console.log(JSON.stringify(result));
} finally {
  await stack.stop();
}
