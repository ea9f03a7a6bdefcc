import { isBatonApiError } from "../sdk/index.js";

/** One line for the agent: what went wrong and what to do next. Never includes a key. */
export function toolErrorText(error: unknown): string {
  if (!isBatonApiError(error)) return `Error: ${(error as Error).message}`;
  const { status, code, message, retryAfter, details } = error;
  if (code === "duplicate_task" && Array.isArray(details.matches)) {
    const matches = (details.matches as Array<{ task_id: number; content?: string; url?: string }>)
      .map((m) => `#${m.task_id} ${m.content ?? ""}${m.url ? ` ${m.url}` : ""}`.trim())
      .join("; ");
    return `Not created: a similar open task exists (${matches}). Work on that task, or call create_task again with allow_duplicate: true.`;
  }
  const next =
    status === 0
      ? "The Baton server is unreachable: check BATON_URL and that the server runs."
      : status === 401
        ? "Check your key: BATON_AGENT_KEY of this MCP server is wrong, rotated or revoked."
        : status === 403
          ? "Your agent's role does not allow this: ask an admin, or act on tasks you hold."
          : status === 404
            ? "Not found: check the id with list_tasks (or list_agents, list_webhooks)."
            : status === 409
              ? "Conflict: re-read the task (get_task) and try again."
              : status === 422 || status === 400
                ? "Fix the arguments and call again."
                : retryAfter !== undefined
                  ? `Wait ${retryAfter} s and retry.`
                  : status >= 500
                    ? "Server error: retry shortly."
                    : "";
  return `Error (${status || code}): ${message}${next ? ` ${next}` : ""}`;
}
