import { z } from "zod";
import { errors } from "../../errors.js";
import { ChainSchema, ChainTaskSchema } from "../../tasks/chain.js";
import type { ChainService } from "../../services/chain-service.js";
import { TaskCreateSchema, TaskSchema } from "../../tasks/task-schema.js";
import type { TaskService } from "../../services/task-service.js";
import { defineRoute, type AnyRoute } from "../route.js";
import { createTask } from "./create-task.js";

const TaskParams = z.object({ id: z.coerce.number().int().positive() });

/** Delegation: create a sub-task, read a chain, list a task's children. */
export function chainRoutes(tasks: TaskService, chains: ChainService): AnyRoute[] {
  return [
    defineRoute({
      method: "post",
      path: "/tasks/{id}/delegate",
      tag: "tasks",
      summary:
        "Delegate: create a child task as a sub-issue of this one (same as POST /tasks with parent_task_id)",
      params: TaskParams,
      body: TaskCreateSchema,
      response: TaskSchema,
      status: 201,
      handler: async (ctx) => {
        const { params, body } = ctx;
        if (body.parent_task_id != null && body.parent_task_id !== params.id) {
          throw errors.badRequest(
            "server_managed_field",
            "parent_task_id is the task in the path; leave it out of the body",
            { field: "parent_task_id" },
          );
        }
        return createTask(tasks, ctx, { ...body, parent_task_id: params.id });
      },
    }),
    defineRoute({
      method: "get",
      path: "/tasks/{id}/chain",
      tag: "tasks",
      summary:
        "The task's whole delegation chain from its root (tasks the caller may not read are redacted)",
      params: TaskParams,
      response: ChainSchema,
      handler: async ({ caller, params }) => ({ body: await chains.chain(caller, params.id) }),
    }),
    defineRoute({
      method: "get",
      path: "/tasks/{id}/children",
      tag: "tasks",
      summary: "The task's direct sub-tasks (tasks the caller may not read are redacted)",
      params: TaskParams,
      response: z.array(ChainTaskSchema),
      handler: async ({ caller, params }) => ({ body: await chains.children(caller, params.id) }),
    }),
  ];
}
