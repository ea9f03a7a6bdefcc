import type { Agent } from "../agents/agent-schema.js";
import type { Stats } from "../tasks/task-stats.js";

/**
 * Where `/api` answers differ from `/v1`. Delega's clients use `/api` on a self-hosted server and
 * read some answers in the original server's shape; `/v1` keeps Baton's own. Pure.
 */
export const isDelegaPrefix = (url: URL) => url.pathname.startsWith("/api/");

/** `GET /agent/me` as Delega's CLI reads it (`{agent: {...}}`), the fields kept at the top too. */
export function delegaMe(agent: Agent): Agent & { agent: Agent } {
  return { ...agent, agent };
}

/**
 * `GET /stats` as Delega's clients read it: `by_project` is `{name: open count}` ("Inbox" for
 * tasks without a project), `total` for the MCP server, `completed_tasks`/`pending_tasks` for the
 * CLI. Baton's per-project detail moves to `by_project_detail`.
 */
export function delegaStats(stats: Stats) {
  const byProject: Record<string, number> = {};
  for (const entry of stats.by_project) {
    const open = entry.total - entry.completed;
    if (open === 0) continue;
    const name = entry.project_id === null ? "Inbox" : entry.name;
    byProject[name] = (byProject[name] ?? 0) + open;
  }
  return {
    ...stats,
    total: stats.total_tasks,
    completed_tasks: stats.total_completed,
    pending_tasks: stats.open_tasks,
    by_project: byProject,
    by_project_detail: stats.by_project,
  };
}
