import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEventReceiver, type EventReceiver } from "../../test/support/event-receiver.js";
import { startStack, type Stack } from "../../test/support/stack.js";
import { errorLines, runAction, runnerEnv } from "./support/run-action.js";

let stack: Stack;
let admin: string;
let receiver: EventReceiver;

beforeAll(async () => {
  stack = await startStack({ env: { BATON_ALLOW_PRIVATE_WEBHOOKS: "true" } });
  admin = await stack.createAgent("admin", "admin");
  receiver = await startEventReceiver();
  const subscribed = await stack.api(admin, "POST", "/v1/webhooks", {
    url: receiver.url,
    events: ["*"],
  });
  expect(subscribed.status).toBe(201);
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

/** Token mode against the repository the App is installed on: no baton-url, only the token. */
const step = async (inputs: Record<string, string>) => {
  const run = await runAction(
    runnerEnv(inputs, {
      token: "ghs_workflow",
      repository: "acme/tasks",
      apiUrl: `${stack.double.url}/api/v3`,
    }),
  );
  expect(errorLines(run), run.stdout + run.stderr).toEqual([]);
  return run;
};

describe("token mode with the Baton App installed", () => {
  it("the server reads the workflow's task and relays its events, attributed to the workflow", async () => {
    const created = await step({
      operation: "create",
      content: "Nightly restore test failed",
      priority: "urgent",
    });
    const id = Number(created.outputs["task-id"]);
    await step({ operation: "comment", "task-id": String(id), comment: "Restore took 2 h." });
    await step({ operation: "complete", "task-id": String(id) });

    const task = await stack.api(admin, "GET", `/v1/tasks/${id}`);
    expect(task.json).toMatchObject({
      content: "Nightly restore test failed",
      priority: 4,
      completed: true,
      created_by_agent_id: "github-actions",
      completed_by_agent_id: "github-actions",
    });
    const comments = await stack.api(admin, "GET", `/v1/tasks/${id}/comments`);
    expect(comments.json).toEqual([
      expect.objectContaining({
        content: "Restore took 2 h.",
        author: "github-actions",
        author_type: "agent",
      }),
    ]);

    const names = () =>
      receiver.received.filter((e) => e.json.task?.id === id).map((e) => e.json.event);
    await receiver.waitFor(() => names().includes("task.completed"));
    expect(names()).toEqual(["task.created", "task.commented", "task.completed"]);
    const [createdEvent, commented] = receiver.received.filter((e) => e.json.task?.id === id);
    expect(createdEvent!.json.agent).toMatchObject({ id: "github-actions" });
    expect(commented!.json.comment).toMatchObject({
      author: "github-actions",
      content: "Restore took 2 h.",
    });
  });

  it("a link the workflow writes is task.linked for the server's subscribers", async () => {
    const created = await step({ operation: "create", content: "Nightly backup verify failed" });
    const id = Number(created.outputs["task-id"]);
    await step({
      operation: "link",
      "task-id": String(id),
      "link-kind": "url",
      "link-ref": "https://ci.example.com/runs/77",
    });
    const linked = () =>
      receiver.received.find((e) => e.json.task?.id === id && e.json.event === "task.linked");
    await receiver.waitFor(() => linked() !== undefined);
    expect(linked()!.json).toMatchObject({
      link: {
        kind: "url",
        ref: "https://ci.example.com/runs/77",
        created_by_agent_id: "github-actions",
      },
      task: { links: [{ kind: "url" }] },
    });
  });
});
