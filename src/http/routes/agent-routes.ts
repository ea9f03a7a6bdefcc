import { z } from "zod";
import { requireAdmin } from "../../tasks/access.js";
import {
  AgentCreateSchema,
  AgentSchema,
  AgentUpdateSchema,
  type Role,
} from "../../agents/agent-schema.js";
import { toAgent, type AgentService } from "../../agents/agent-service.js";
import { permissionsNotice } from "../../agents/delega-permissions.js";
import { errors } from "../../errors.js";
import type { AgentRecord } from "../../store/agent-store.js";
import type { ProjectService } from "../../services/project-service.js";
import { delegaMe, isDelegaPrefix } from "../delega-shapes.js";
import { defineRoute, type AnyRoute } from "../route.js";

const AgentParams = z.object({ id: z.string().min(1).max(40) });
const Deleted = z.object({ ok: z.literal(true), deleted: z.string() }).meta({ id: "Deleted" });

/** The open tasks each agent holds (`open_task_count`), by agent id. */
export type OpenTaskCounts = () => Promise<Map<string, number>>;

/** Says how a `permissions` request was granted (Baton has roles only). */
const withNotice = <T extends object>(agent: T, permissions: string[] | undefined, role: Role) =>
  permissions === undefined ? agent : { ...agent, notice: permissionsNotice(permissions, role) };

/** The `project_ids` of a create or update as ids (undefined and null are passed on). */
async function projectIdsOf(
  projects: Pick<ProjectService, "resolve">,
  refs: (number | string)[] | null | undefined,
): Promise<number[] | null | undefined> {
  if (refs == null) return refs;
  const ids: number[] = [];
  for (const ref of refs) ids.push((await projects.resolve(ref, "project_ids")).id);
  return ids;
}

export function agentRoutes(
  agents: AgentService,
  openTaskCounts: OpenTaskCounts,
  projects: Pick<ProjectService, "resolve">,
): AnyRoute[] {
  const withCount = (record: AgentRecord, counts: Map<string, number> | null) =>
    counts ? { ...toAgent(record), open_task_count: counts.get(record.id) ?? 0 } : toAgent(record);
  // The count reads GitHub; when GitHub fails, agents are still answered, without the count.
  const counts = () => openTaskCounts().catch(() => null);
  const counted = async (record: AgentRecord) => withCount(record, await counts());

  const update = (method: "put" | "patch") =>
    defineRoute({
      method,
      path: "/agents/{id}",
      tag: "agents",
      summary: "Update an agent (admin; an agent may change its own display name and description)",
      params: AgentParams,
      body: AgentUpdateSchema,
      response: AgentSchema,
      handler: async ({ caller, params, body }) => {
        const self = caller.id === params.id;
        const privileged =
          body.role !== undefined ||
          body.is_admin !== undefined ||
          body.permissions !== undefined ||
          body.active !== undefined ||
          body.project_ids !== undefined;
        if (!self || privileged)
          requireAdmin(
            caller,
            "change another agent, a role, permissions, projects or an activation",
          );
        const project_ids = await projectIdsOf(projects, body.project_ids);
        const record = agents.update(params.id, { ...body, project_ids });
        return { body: withNotice(await counted(record), body.permissions, record.role) };
      },
    });

  return [
    defineRoute({
      method: "get",
      path: "/agent/me",
      tag: "agents",
      summary: "The calling agent (on /api also nested as `agent`, as Delega's CLI reads it)",
      response: AgentSchema.extend({ agent: AgentSchema.optional() }),
      handler: async ({ caller, url }) => {
        const agent = await counted(agents.get(caller.id));
        return { body: isDelegaPrefix(url) ? delegaMe(agent) : agent };
      },
    }),
    defineRoute({
      method: "get",
      path: "/agents",
      tag: "agents",
      summary: "List agents (every agent may see whom it can delegate to)",
      response: z.array(AgentSchema),
      handler: async () => {
        const known = await counts();
        return { body: agents.list().map((record) => withCount(record, known)) };
      },
    }),
    defineRoute({
      method: "post",
      path: "/agents",
      tag: "agents",
      summary: "Register an agent (admin). The answer carries its api_key, shown this once",
      body: AgentCreateSchema,
      response: AgentSchema,
      status: 201,
      handler: async ({ caller, body }) => {
        requireAdmin(caller, "register agents");
        const project_ids = await projectIdsOf(projects, body.project_ids);
        const { agent } = agents.create({ ...body, project_ids });
        return {
          status: 201,
          body: withNotice({ ...agent, open_task_count: 0 }, body.permissions, agent.role),
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/agents/{id}",
      tag: "agents",
      summary: "Get an agent",
      params: AgentParams,
      response: AgentSchema,
      handler: async ({ params }) => ({ body: await counted(agents.get(params.id)) }),
    }),
    update("put"),
    update("patch"),
    defineRoute({
      method: "delete",
      path: "/agents/{id}",
      tag: "agents",
      summary: "Deactivate an agent (admin): its key stops working at once",
      params: AgentParams,
      response: Deleted,
      handler: async ({ caller, params }) => {
        requireAdmin(caller, "delete agents");
        if (caller.id === params.id)
          throw errors.conflict("cannot_delete_self", "An admin cannot delete itself");
        agents.deactivate(params.id);
        return { body: { ok: true as const, deleted: params.id } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/agents/{id}/rotate-key",
      tag: "agents",
      summary: "Issue a new key (admin, or the agent itself); the old key fails at once",
      params: AgentParams,
      response: AgentSchema,
      handler: async ({ caller, params }) => {
        if (caller.id !== params.id) requireAdmin(caller, "rotate another agent's key");
        return { body: agents.rotateKey(params.id).agent };
      },
    }),
  ];
}
