import { toSubtasks } from "./checklist.js";
import type { GitHubIssue } from "./github-issue.js";
import type { DecodedIssue } from "./issue-codec.js";
import type { Project } from "./project.js";
import type { Task } from "./task-schema.js";
import { toTaskLink } from "./task-links.js";

/** What the API shows of an agent next to a task. */
export interface AgentName {
  name: string;
  display_name: string | null;
}

/** The task fields a claim contributes (issue #17); the lease itself lives in Baton's store. */
export type TaskClaim = Pick<
  Task,
  | "claimed_by_agent_id"
  | "lease_expires_at"
  | "session_state"
  | "session_state_detail"
  | "handoff_note"
  | "handoff_by_agent_id"
  | "handoff_state"
>;

export const UNCLAIMED: TaskClaim = {
  claimed_by_agent_id: null,
  lease_expires_at: null,
  session_state: null,
  session_state_detail: null,
  handoff_note: null,
  handoff_by_agent_id: null,
  handoff_state: null,
};

/** The task fields its dependencies contribute (issue #17); the pairs live in Baton's store. */
export type TaskDependencies = Pick<Task, "blocked_by" | "blocking">;

export const NO_DEPENDENCIES: TaskDependencies = { blocked_by: [], blocking: [] };

/**
 * An issue as the API's task, with its agents, project, claim and dependencies looked up by the caller. A closed
 * task is held by nobody, whatever the claim record still says.
 */
export function taskFromIssue(
  issue: GitHubIssue,
  decoded: DecodedIssue,
  lookup: {
    agent: (id: string) => AgentName | undefined;
    project: Project | null;
    claim?: TaskClaim;
    dependencies?: TaskDependencies;
  },
): Task {
  const agentRef = (id: string | null) => {
    if (!id) return null;
    const agent = lookup.agent(id);
    return { id, name: agent?.name ?? id, display_name: agent?.display_name ?? null };
  };
  const project = lookup.project;
  const completedBy = decoded.completed ? decoded.meta.completed_by : null;
  return {
    id: issue.number,
    content: decoded.content,
    description: decoded.description,
    priority: decoded.priority,
    labels: decoded.labels,
    project_id: project?.id ?? null,
    project: project ? { id: project.id, slug: project.slug, name: project.name } : null,
    due_date: decoded.meta.due_date,
    due_time: decoded.meta.due_time,
    status: decoded.completed ? "completed" : decoded.status,
    completed: decoded.completed,
    completed_at: decoded.completed ? issue.closed_at : null,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    created_by_agent_id: decoded.meta.created_by,
    assigned_to_agent_id: decoded.assignee,
    completed_by_agent_id: completedBy,
    created_by_agent: agentRef(decoded.meta.created_by),
    assigned_to_agent: agentRef(decoded.assignee),
    completed_by_agent: agentRef(completedBy),
    parent_task_id: decoded.meta.parent,
    root_task_id: decoded.meta.root ?? issue.number,
    delegation_depth: decoded.meta.depth,
    context: decoded.meta.context,
    context_version: decoded.meta.context_version,
    subtasks: toSubtasks(issue.number, decoded.meta.checklist),
    links: decoded.meta.links.map(toTaskLink),
    url: issue.html_url,
    ...(decoded.closed ? UNCLAIMED : (lookup.claim ?? UNCLAIMED)),
    ...(lookup.dependencies ?? NO_DEPENDENCIES),
  };
}
