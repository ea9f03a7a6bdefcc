import { z } from "zod";
import { RoleSchema, type Role } from "../tasks/access.js";
import { AgentIdSchema, ProjectRefSchema } from "../tasks/task-schema.js";

export { RoleSchema, type Role } from "../tasks/access.js";

/** Delega's permission list; granted as the smallest role holding them (delega-permissions.ts). */
const DelegaPermissionsSchema = z
  .array(z.string().max(60))
  .max(20)
  .describe(
    "Delega's permissions (e.g. tasks.read_all); Baton grants the smallest role that holds them all",
  );

/** Admin only: the projects whose open unassigned work the agent sees and claims. */
const ProjectIdsInputSchema = z
  .array(ProjectRefSchema)
  .max(100)
  .nullish()
  .describe(
    "Admin only. Restricts the agent to these projects (ids or slugs, as project_id): it sees and claims only their open unassigned tasks. null = every project",
  );

export const AgentCreateSchema = z
  .object({
    name: AgentIdSchema,
    display_name: z.string().trim().min(1).max(100).nullish(),
    description: z.string().max(1000).nullish(),
    role: RoleSchema.optional(),
    is_admin: z.boolean().optional(),
    permissions: DelegaPermissionsSchema.optional(),
    project_ids: ProjectIdsInputSchema,
  })
  .meta({ id: "AgentCreate" });
export type AgentCreate = z.infer<typeof AgentCreateSchema>;

export const AgentUpdateSchema = z
  .object({
    display_name: z.string().trim().min(1).max(100).nullish(),
    description: z.string().max(1000).nullish(),
    role: RoleSchema.optional(),
    is_admin: z.boolean().optional(),
    permissions: DelegaPermissionsSchema.optional(),
    active: z.boolean().optional(),
    project_ids: ProjectIdsInputSchema,
  })
  .meta({ id: "AgentUpdate" });
export type AgentUpdate = z.infer<typeof AgentUpdateSchema>;

/** A create or update with its projects resolved to their ids (what the agent store keeps). */
type Resolved<T> = Omit<T, "project_ids"> & { project_ids?: number[] | null | undefined };
export type AgentCreateInput = Resolved<AgentCreate>;
export type AgentUpdateInput = Resolved<AgentUpdate>;

export const AgentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    display_name: z.string().nullable(),
    description: z.string().nullable(),
    role: RoleSchema,
    is_admin: z.boolean(),
    permissions: z.array(z.string()),
    active: z.boolean(),
    key_prefix: z.string(),
    created_at: z.string(),
    last_seen_at: z.string().nullable(),
    project_ids: z
      .array(z.number().int())
      .nullable()
      .describe(
        "The projects (ids) whose open unassigned tasks the agent sees and claims; null = every project.",
      ),
    open_task_count: z
      .number()
      .int()
      .optional()
      .describe("Open tasks held by the agent (in lists and single reads)."),
    notice: z
      .string()
      .optional()
      .describe("How a request was read where Baton differs from Delega (e.g. permissions)."),
    api_key: z.string().optional().describe("Only in the answers to create and rotate-key."),
  })
  .meta({ id: "Agent" });
export type Agent = z.infer<typeof AgentSchema>;

/** Role → what the role may do (Delega's `permissions` field). */
export const PERMISSIONS: Record<Role, string[]> = {
  worker: ["tasks:own", "tasks:delegate"],
  coordinator: ["tasks:own", "tasks:delegate", "tasks:read_all", "tasks:comment_all"],
  admin: ["tasks:all", "agents:manage", "projects:manage", "webhooks:manage"],
};
