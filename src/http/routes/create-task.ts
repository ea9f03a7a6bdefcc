import type { TaskCreate, Task } from "../../tasks/task-schema.js";
import type { TaskService } from "../../services/task-service.js";
import { nonceFor } from "../idempotency-nonce.js";
import type { RouteContext, RouteResult } from "../route.js";

/**
 * `POST /tasks` and `POST /tasks/{id}/delegate`: a create that never makes a task twice (a retry
 * of an interrupted request with the same `Idempotency-Key` finds the issue by its nonce), and
 * that skips the dedup check on `X-Dedup-Check: false`.
 */
export async function createTask(
  tasks: TaskService,
  {
    caller,
    idempotency,
    headers,
  }: Pick<RouteContext<unknown, unknown, unknown>, "caller" | "idempotency" | "headers">,
  body: TaskCreate,
): Promise<RouteResult<Task>> {
  // Delega's clients echo a root task's fields back; depth 0 is what the server sets anyway.
  const { delegation_depth: depth, ...rest } = body;
  const input: TaskCreate = depth === 0 ? rest : body;
  const nonce = idempotency ? nonceFor(caller.id, idempotency.key) : undefined;
  if (idempotency?.interrupted && nonce) {
    // An earlier attempt with this key died mid-way: it may have created the issue.
    const existing = await tasks.findCreated(nonce);
    if (existing) return { status: 201, body: existing };
  }
  const skipDedup = String(headers["x-dedup-check"] ?? "").toLowerCase() === "false";
  return { status: 201, body: await tasks.create(caller, input, { nonce, skipDedup }) };
}
