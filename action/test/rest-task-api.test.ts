import { describe, expect, it } from "vitest";
import { BatonApiError } from "../../src/sdk/index.js";
import type { Task } from "../../src/tasks/task-schema.js";
import { RestTaskApi, type BatonClaims, type BatonTasks } from "../src/rest-task-api.js";

const task = (id: number, extra: Partial<Task> = {}) =>
  ({
    id,
    url: `https://github.com/acme/tasks/issues/${id}`,
    status: "open",
    content: "T",
    ...extra,
  }) as Task;

/** The SDK's task methods, recording what the Action sent. */
function fakeTasks(overrides: Partial<BatonTasks> = {}) {
  const calls: unknown[][] = [];
  const record =
    (name: string, answer: (...args: never[]) => Promise<unknown>) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
      return answer(...(args as never[]));
    };
  const tasks = {
    get: record("get", async () => task(1)),
    create: record("create", async () => task(2)),
    update: record("update", async () => task(1)),
    complete: record("complete", async () => task(1, { status: "completed" })),
    uncomplete: record("uncomplete", async () => task(1)),
    comment: record("comment", async () => ({ url: "https://github.com/c/1" })),
    delegate: record("delegate", async () => task(9)),
    link: record("link", async () => ({})),
    ...overrides,
  } as BatonTasks;
  const claimed = {
    task: task(4, { lease_expires_at: "2026-11-25T10:05:00.000Z" }),
    claim_token: 3,
  };
  const claims = {
    claim: record("claim", async () => claimed),
    next: record("next", async () => ({ task: null, claim_token: null })),
    release: record("release", async () => task(4)),
  } as BatonClaims;
  return { tasks, claims, calls };
}

describe("REST mode's mapping onto the SDK", () => {
  it("a 409 duplicate_task becomes duplicate-of: the server's best match, read for its status", async () => {
    const { tasks, claims } = fakeTasks({
      get: async () =>
        task(5, {
          status: "in_progress",
          content: "Build red",
          url: "https://github.com/acme/tasks/issues/5",
        }),
      create: async () => {
        throw new BatonApiError({
          status: 409,
          code: "duplicate_task",
          message: "Looks like a duplicate",
          details: {
            matches: [
              {
                task_id: 5,
                url: "https://github.com/acme/tasks/issues/5",
                content: "Build red",
                score: 0.93,
              },
            ],
          },
        });
      },
    });
    const outcome = await new RestTaskApi(tasks, claims).create(
      { content: "Build is red" },
      { allowDuplicate: false },
    );
    expect(outcome).toEqual({
      task: null,
      duplicateOf: {
        id: 5,
        url: "https://github.com/acme/tasks/issues/5",
        status: "in_progress",
        content: "Build red",
      },
    });
  });

  it("other errors pass through; allow-duplicate is sent as allow_duplicate", async () => {
    const { tasks, claims, calls } = fakeTasks();
    await new RestTaskApi(tasks, claims).create(
      { content: "Build is red", priority: 4, labels: ["ci"], assignee: "infra", project: "web" },
      { allowDuplicate: true },
    );
    expect(calls).toEqual([
      [
        "create",
        {
          content: "Build is red",
          priority: 4,
          labels: ["ci"],
          assigned_to_agent_id: "infra",
          project_id: "web",
          allow_duplicate: true,
        },
      ],
    ]);
    const failing = fakeTasks({
      create: async () => {
        throw new BatonApiError({ status: 403, code: "forbidden", message: "No" });
      },
    });
    await expect(
      new RestTaskApi(failing.tasks, failing.claims).create(
        { content: "x" },
        { allowDuplicate: false },
      ),
    ).rejects.toThrow("No");
  });

  it("delegate posts the child to /tasks/{parent}/delegate and reports the child", async () => {
    const { tasks, claims, calls } = fakeTasks();
    const outcome = await new RestTaskApi(tasks, claims).delegate(
      3,
      { content: "Sub-step", assignee: "dns" },
      { allowDuplicate: false },
    );
    expect(outcome.task?.id).toBe(9);
    expect(calls).toEqual([["delegate", 3, { content: "Sub-step", assigned_to_agent_id: "dns" }]]);
  });

  it("a delegation the server refuses as a duplicate names the open task, as a create does", async () => {
    const { tasks, claims } = fakeTasks({
      delegate: async () => {
        throw new BatonApiError({
          status: 409,
          code: "duplicate_task",
          message: "Task #5 is the same work",
          details: {
            matches: [
              {
                task_id: 5,
                url: "https://github.com/acme/tasks/issues/5",
                content: "T",
                score: 0.9,
              },
            ],
          },
        });
      },
      get: async () => task(5),
    });
    const outcome = await new RestTaskApi(tasks, claims).delegate(
      3,
      { content: "Sub-step" },
      { allowDuplicate: false },
    );
    expect(outcome).toEqual({ task: null, duplicateOf: expect.objectContaining({ id: 5 }) });
    const forced = fakeTasks();
    await new RestTaskApi(forced.tasks, forced.claims).delegate(
      3,
      { content: "Sub-step" },
      { allowDuplicate: true },
    );
    expect(forced.calls).toEqual([["delegate", 3, { content: "Sub-step", allow_duplicate: true }]]);
  });

  it("claim: by id the targeted claim, else the queue claim with labels and project", async () => {
    const { tasks, claims, calls } = fakeTasks();
    const api = new RestTaskApi(tasks, claims);
    const options = { leaseSeconds: 600, handoff: undefined, claimToken: undefined };
    expect(await api.claim({ taskId: 4, labels: undefined, project: undefined }, options)).toEqual({
      task: { id: 4, url: "https://github.com/acme/tasks/issues/4", status: "open", content: "T" },
      claimToken: 3,
      leaseExpiresAt: "2026-11-25T10:05:00.000Z",
    });
    expect(await api.claim({ taskId: undefined, labels: ["ci"], project: "ops" }, options)).toEqual(
      { task: null, claimToken: null, leaseExpiresAt: null },
    );
    await api.release(4, { leaseSeconds: undefined, handoff: "half done", claimToken: 3 });
    expect(calls).toEqual([
      ["claim", 4, { lease_seconds: 600 }],
      ["next", { lease_seconds: 600, labels: ["ci"], project_id: "ops" }],
      ["release", 4, { handoff: "half done", claim_token: 3 }],
    ]);
  });
});
