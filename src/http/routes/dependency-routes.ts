import { z } from "zod";
import type { DependencyService } from "../../dependencies/dependency-service.js";
import { DependencyCreateSchema, TaskSchema } from "../../tasks/task-schema.js";
import { defineRoute, type AnyRoute } from "../route.js";

const TaskParams = z.object({ id: z.coerce.number().int().positive() });
const DependencyParams = TaskParams.extend({ blocker: z.coerce.number().int().positive() });
const DependencyRemovedSchema = z
  .object({ ok: z.literal(true), task: TaskSchema })
  .meta({ id: "DependencyRemoved" });

/** Dependencies between tasks, on GitHub's own issue dependencies (issue #17). */
export function dependencyRoutes(dependencies: DependencyService): AnyRoute[] {
  return [
    defineRoute({
      method: "post",
      path: "/tasks/{id}/dependencies",
      tag: "dependencies",
      summary:
        'Make the task wait for another (GitHub\'s "blocked by"); it leaves the ready queue until that one completes',
      params: TaskParams,
      body: DependencyCreateSchema,
      response: TaskSchema,
      handler: async ({ caller, params, body }) => ({
        body: await dependencies.add(caller, params.id, body.blocked_by),
      }),
    }),
    defineRoute({
      method: "delete",
      path: "/tasks/{id}/dependencies/{blocker}",
      tag: "dependencies",
      summary: "Stop the task waiting for the blocker; 404 when it does not wait for it",
      params: DependencyParams,
      response: DependencyRemovedSchema,
      handler: async ({ caller, params }) => ({
        body: {
          ok: true as const,
          task: await dependencies.remove(caller, params.id, params.blocker),
        },
      }),
    }),
  ];
}
