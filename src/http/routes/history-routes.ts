import { z } from "zod";
import type { TaskHistory } from "../../services/task-history.js";
import { HistoryEntrySchema } from "../../tasks/task-history.js";
import { paginate } from "../pagination.js";
import { defineRoute, type AnyRoute } from "../route.js";

const TaskParams = z.object({ id: z.coerce.number().int().positive() });
const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  page: z.coerce.number().int().min(1).default(1),
});

/** A task's history: who changed what and when, agents and people (docs/trust.md). */
export function historyRoutes(history: TaskHistory): AnyRoute[] {
  return [
    defineRoute({
      method: "get",
      path: "/tasks/{id}/history",
      tag: "tasks",
      summary:
        "Who changed the task, what and when (agents, people, apps), oldest first; Link header for pages",
      params: TaskParams,
      query: HistoryQuery,
      response: z.array(HistoryEntrySchema),
      handler: async ({ caller, params, query, url }) => {
        const all = await history.history(caller, params.id);
        const { items, headers } = paginate(all, query.page, query.limit, url);
        return { body: items, headers };
      },
    }),
  ];
}
