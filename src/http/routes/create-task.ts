import type { TaskCreate, Task } from "../../tasks/task-schema.js";
import type { TaskService } from "../../services/task-service.js";
import type { RouteContext, RouteResult } from "../route.js";

/**
 * `POST /tasks` and `POST /tasks/{id}/delegate`: a create made at most once per
 * `Idempotency-Key` (src/idempotency.ts), skipping the dedup check on `X-Dedup-Check: false`.
 */
export async function createTask(
  tasks: TaskService,
  {
    idempotency,
    caller,
    headers,
    afterAnswer,
  }: Pick<
    RouteContext<unknown, unknown, unknown>,
    "caller" | "idempotency" | "headers" | "afterAnswer"
  >,
  body: TaskCreate,
): Promise<RouteResult<Task>> {
  // Delega's clients echo a root task's fields back; depth 0 is what the server sets anyway.
  const { delegation_depth: depth, ...rest } = body;
  const input: TaskCreate = depth === 0 ? rest : body;
  const skipDedup = String(headers["x-dedup-check"] ?? "").toLowerCase() === "false";
  const intent = idempotency?.intent;
  return {
    status: 201,
    body: await tasks.create(caller, input, {
      ...(intent ? { intent } : {}),
      skipDedup,
      ...(afterAnswer ? { afterAnswer } : {}),
    }),
  };
}
