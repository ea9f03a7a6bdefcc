import { z } from "zod";
import { requireAdmin } from "../../tasks/access.js";
import { AgentCreateSchema, AgentSchema, AgentUpdateSchema } from "../../agents/agent-schema.js";
import { toAgent, type AgentService } from "../../agents/agent-service.js";
import { errors } from "../../errors.js";
import { defineRoute, type AnyRoute } from "../route.js";

const AgentParams = z.object({ id: z.string().min(1).max(40) });
const Deleted = z.object({ ok: z.literal(true), deleted: z.string() }).meta({ id: "Deleted" });

export function agentRoutes(agents: AgentService): AnyRoute[] {
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
          body.role !== undefined || body.is_admin !== undefined || body.active !== undefined;
        if (!self || privileged)
          requireAdmin(caller, "change another agent, a role or an activation");
        return { body: toAgent(agents.update(params.id, body)) };
      },
    });

  return [
    defineRoute({
      method: "get",
      path: "/agent/me",
      tag: "agents",
      summary: "The calling agent",
      response: AgentSchema,
      handler: async ({ caller }) => ({ body: toAgent(agents.get(caller.id)) }),
    }),
    defineRoute({
      method: "get",
      path: "/agents",
      tag: "agents",
      summary: "List agents (every agent may see whom it can delegate to)",
      response: z.array(AgentSchema),
      handler: async () => ({ body: agents.list().map((record) => toAgent(record)) }),
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
        return { status: 201, body: agents.create(body).agent };
      },
    }),
    defineRoute({
      method: "get",
      path: "/agents/{id}",
      tag: "agents",
      summary: "Get an agent",
      params: AgentParams,
      response: AgentSchema,
      handler: async ({ params }) => ({ body: toAgent(agents.get(params.id)) }),
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
