import { z } from "zod";
import { errors } from "../../errors.js";
import { isPlainObject } from "../../util/merge-patch.js";
import { TaskListQuerySchema } from "../../tasks/task-filters.js";
import {
  CommentCreateSchema,
  CommentSchema,
  ContextPatchSchema,
  ContextResponseSchema,
  TaskCreateSchema,
  TaskSchema,
  TaskUpdateSchema,
} from "../../tasks/task-schema.js";
import type { TaskService } from "../../services/task-service.js";
import { DelegaStatsSchema, StatsSchema } from "../../tasks/task-stats.js";
import { delegaStats, isDelegaPrefix } from "../delega-shapes.js";
import { DedupQuerySchema, DedupResultSchema } from "../../tasks/task-schema.js";
import { paginate } from "../pagination.js";
import { defineRoute, type AnyRoute } from "../route.js";
import { createTask } from "./create-task.js";

const TaskParams = z.object({ id: z.coerce.number().int().positive() });
const Ok = z.object({ ok: z.literal(true) }).meta({ id: "Ok" });
/** Delega's newer MCP sends the version guard in the query rather than the body. */
const ContextPatchQuery = z.object({
  expected_version: z.coerce
    .number()
    .int()
    .min(0, "must be a non-negative integer")
    .optional()
    .describe("The context version the write expects (as the body's expected_version)"),
});

export function taskRoutes(tasks: TaskService): AnyRoute[] {
  const update = (method: "put" | "patch") =>
    defineRoute({
      method,
      path: "/tasks/{id}",
      tag: "tasks",
      summary:
        method === "put"
          ? "Update a task (Delega clients use PUT; fields not sent are kept)"
          : "Update a task",
      params: TaskParams,
      body: TaskUpdateSchema,
      response: TaskSchema,
      handler: async ({ caller, params, body }) => ({
        body: await tasks.update(caller, params.id, body),
      }),
    });

  return [
    defineRoute({
      method: "get",
      path: "/tasks",
      tag: "tasks",
      summary: "List the tasks the caller may see (newest first; Link header for pages)",
      query: TaskListQuerySchema,
      response: z.array(TaskSchema),
      handler: async ({ caller, query, url }) => {
        const all = await tasks.list(caller, query);
        const { items, headers } = paginate(all, query.page, query.limit, url);
        return { body: items, headers };
      },
    }),
    defineRoute({
      method: "post",
      path: "/tasks",
      tag: "tasks",
      summary: "Create a task (an issue)",
      body: TaskCreateSchema,
      response: TaskSchema,
      status: 201,
      handler: (ctx) => createTask(tasks, ctx, ctx.body),
    }),
    defineRoute({
      method: "post",
      path: "/tasks/dedup",
      tag: "tasks",
      summary: "Would this task be a duplicate? The same check a create runs, without creating",
      body: DedupQuerySchema,
      response: DedupResultSchema,
      handler: async ({ caller, body }) => ({ body: await tasks.findDuplicates(caller, body) }),
    }),
    defineRoute({
      method: "get",
      path: "/tasks/{id}",
      tag: "tasks",
      summary: "Get a task",
      params: TaskParams,
      response: TaskSchema,
      handler: async ({ caller, params }) => ({ body: await tasks.get(caller, params.id) }),
    }),
    update("put"),
    update("patch"),
    defineRoute({
      method: "delete",
      path: "/tasks/{id}",
      tag: "tasks",
      summary: "Delete a task (the issue is closed as not planned)",
      params: TaskParams,
      response: Ok,
      handler: async ({ caller, params }) => {
        await tasks.remove(caller, params.id);
        return { body: { ok: true as const } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/tasks/{id}/complete",
      tag: "tasks",
      summary: "Complete a task (the issue is closed as completed)",
      params: TaskParams,
      response: TaskSchema,
      handler: async ({ caller, params }) => ({ body: await tasks.complete(caller, params.id) }),
    }),
    defineRoute({
      method: "post",
      path: "/tasks/{id}/uncomplete",
      tag: "tasks",
      summary: "Reopen a completed task",
      params: TaskParams,
      response: TaskSchema,
      handler: async ({ caller, params }) => ({ body: await tasks.uncomplete(caller, params.id) }),
    }),
    defineRoute({
      method: "get",
      path: "/tasks/{id}/comments",
      tag: "tasks",
      summary: "List a task's comments (agents' and trusted people's)",
      params: TaskParams,
      response: z.array(CommentSchema),
      handler: async ({ caller, params }) => ({
        body: await tasks.listComments(caller, params.id),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/tasks/{id}/comments",
      tag: "tasks",
      summary: "Comment on a task",
      params: TaskParams,
      body: CommentCreateSchema,
      response: CommentSchema,
      status: 201,
      handler: async ({ caller, params, body }) => {
        const comment = await tasks.addComment(caller, params.id, body.content);
        // Delega let a client name any author; Baton signs comments with the calling agent.
        const notice =
          body.author !== undefined && body.author !== caller.id
            ? `author "${body.author}" was not used: comments are signed by the calling agent "${caller.id}"`
            : undefined;
        return { status: 201, body: notice ? { ...comment, notice } : comment };
      },
    }),
    defineRoute({
      method: "get",
      path: "/tasks/{id}/context",
      tag: "tasks",
      summary: "Read a task's context object and its version",
      params: TaskParams,
      response: ContextResponseSchema,
      handler: async ({ caller, params }) => ({ body: await tasks.getContext(caller, params.id) }),
    }),
    defineRoute({
      method: "patch",
      path: "/tasks/{id}/context",
      tag: "tasks",
      summary:
        "Merge keys into a task's context; with expected_version (or If-Match), 409 on a stale version",
      params: TaskParams,
      query: ContextPatchQuery,
      body: ContextPatchSchema,
      response: ContextResponseSchema,
      handler: async ({ caller, params, query, body, headers }) => {
        const { patch, expectedVersion } = readContextPatch(
          body,
          headers["if-match"],
          query.expected_version,
        );
        return { body: await tasks.patchContext(caller, params.id, patch, expectedVersion) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/stats",
      tag: "tasks",
      summary: "Counts over the tasks the caller may see (on /api in Delega's shape)",
      response: z.union([StatsSchema, DelegaStatsSchema]),
      handler: async ({ caller, url }) => {
        const stats = await tasks.stats(caller);
        return { body: isDelegaPrefix(url) ? delegaStats(stats) : stats };
      },
    }),
  ];
}

/**
 * `{context: {...}, expected_version?}` or a bare object of keys (Delega's form). The version guard
 * comes from the body, else the `expected_version` query parameter, else `If-Match`.
 */
export function readContextPatch(
  body: Record<string, unknown>,
  ifMatch: string | undefined,
  fromQuery?: number,
) {
  const keys = Object.keys(body);
  const structured =
    isPlainObject(body.context) && keys.every((k) => k === "context" || k === "expected_version");
  const { expected_version: rawVersion, ...bare } = body;
  const patch = structured ? (body.context as Record<string, unknown>) : bare;
  const fromHeader = ifMatch !== undefined ? Number(ifMatch.replace(/"/g, "")) : undefined;
  const version = rawVersion ?? fromQuery ?? fromHeader;
  if (
    version !== undefined &&
    (typeof version !== "number" || !Number.isInteger(version) || version < 0)
  ) {
    throw errors.unprocessable(
      "validation_failed",
      "expected_version must be a non-negative integer",
      {
        errors: [{ field: "expected_version", message: "must be a non-negative integer" }],
      },
    );
  }
  return { patch, expectedVersion: version as number | undefined };
}
