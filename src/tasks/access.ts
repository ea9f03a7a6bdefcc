import { errors } from "../errors.js";
import { z } from "zod";

/** What an agent may do (DESIGN §7); the agent records carry it. */
export const RoleSchema = z.enum(["worker", "coordinator", "admin"]);
export type Role = z.infer<typeof RoleSchema>;

/** Who is calling, as the HTTP layer authenticated it. */
export interface Caller {
  id: string;
  role: Role;
  /** The fencing token the request carries (`X-Claim-Token`), for writes under a claim. */
  claimToken?: number | undefined;
  /**
   * The projects (ids) an admin restricted the agent to: it sees and claims open unassigned work
   * of these only. Absent or null: every project.
   */
  projectIds?: number[] | null | undefined;
}

export interface Ownership {
  created_by_agent_id: string | null;
  assigned_to_agent_id: string | null;
  /** The holder of a live claim holds the task (issue #17). */
  claimed_by_agent_id?: string | null;
  /** Whether the task is completed; unknown (absent) counts as not open work. */
  completed?: boolean;
  /** Its project's id (null: none); unknown (absent) is in no restricted agent's projects. */
  project_id?: number | null;
}

const involves = (caller: Caller, task: Ownership) =>
  task.created_by_agent_id === caller.id ||
  task.assigned_to_agent_id === caller.id ||
  task.claimed_by_agent_id === caller.id;

/**
 * Work for any worker (issue #17): an open task nobody is assigned. Every worker sees it (in the
 * ready queue and everywhere else it reads tasks) and may claim it; it writes only once it holds it.
 */
export const isOpenWork = (task: Ownership): boolean =>
  task.completed === false && task.assigned_to_agent_id === null;

/** The task is in a project the caller may take work from (an unrestricted caller: any). */
export const inCallerProjects = (caller: Caller, task: Ownership): boolean =>
  caller.projectIds == null ||
  (task.project_id != null && caller.projectIds.includes(task.project_id));

/** Open unassigned work this caller may take: in its projects, if an admin restricted it. */
export const isOpenWorkFor = (caller: Caller, task: Ownership): boolean =>
  isOpenWork(task) && inCallerProjects(caller, task);

/**
 * Roles per DESIGN §7: workers see what they created, are assigned or hold, and open unassigned
 * work (of their projects, when restricted); coordinators read all; admins do all.
 */
export function canRead(caller: Caller, task: Ownership): boolean {
  return caller.role !== "worker" || involves(caller, task) || isOpenWorkFor(caller, task);
}

export function canWrite(caller: Caller, task: Ownership): boolean {
  return caller.role === "admin" || involves(caller, task);
}

export function canComment(caller: Caller, task: Ownership): boolean {
  return caller.role !== "worker" || involves(caller, task);
}

export function requireAdmin(caller: Caller, what: string): void {
  if (caller.role !== "admin") throw errors.forbidden(`Only an admin agent may ${what}`);
}
