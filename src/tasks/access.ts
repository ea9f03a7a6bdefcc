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
}

export interface Ownership {
  created_by_agent_id: string | null;
  assigned_to_agent_id: string | null;
  /** The holder of a live claim holds the task (issue #17). */
  claimed_by_agent_id?: string | null;
  /** Whether the task is completed; unknown (absent) counts as not open work. */
  completed?: boolean;
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

/**
 * Roles per DESIGN §7: workers see what they created, are assigned or hold, and open unassigned
 * work; coordinators read all; admins do all.
 */
export function canRead(caller: Caller, task: Ownership): boolean {
  return caller.role !== "worker" || involves(caller, task) || isOpenWork(task);
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
