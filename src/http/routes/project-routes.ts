import { z } from "zod";
import { requireAdmin } from "../../tasks/access.js";
import type { ProjectService } from "../../services/project-service.js";
import { ProjectCreateSchema, ProjectSchema, ProjectUpdateSchema } from "../../tasks/project.js";
import { defineRoute, type AnyRoute } from "../route.js";

const ProjectParams = z.object({ id: z.string().min(1).max(50) });
const ref = (id: string) => (/^\d+$/.test(id) ? Number(id) : id);

export function projectRoutes(projects: ProjectService): AnyRoute[] {
  const update = (method: "put" | "patch") =>
    defineRoute({
      method,
      path: "/projects/{id}",
      tag: "projects",
      summary: "Update a project (admin)",
      params: ProjectParams,
      body: ProjectUpdateSchema,
      response: ProjectSchema,
      handler: async ({ caller, params, body }) => {
        requireAdmin(caller, "change projects");
        return { body: await projects.update(ref(params.id), body) };
      },
    });
  return [
    defineRoute({
      method: "get",
      path: "/projects",
      tag: "projects",
      summary: "List projects (project: labels)",
      response: z.array(ProjectSchema),
      handler: async () => ({ body: await projects.list() }),
    }),
    defineRoute({
      method: "post",
      path: "/projects",
      tag: "projects",
      summary: "Create a project (admin): a project:<slug> label",
      body: ProjectCreateSchema,
      response: ProjectSchema,
      status: 201,
      handler: async ({ caller, body }) => {
        requireAdmin(caller, "create projects");
        return { status: 201, body: await projects.create(body) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/projects/{id}",
      tag: "projects",
      summary: "Get a project by id or slug",
      params: ProjectParams,
      response: ProjectSchema,
      handler: async ({ params }) => ({ body: await projects.get(ref(params.id)) }),
    }),
    update("put"),
    update("patch"),
    defineRoute({
      method: "delete",
      path: "/projects/{id}",
      tag: "projects",
      summary: "Delete a project (admin): its label is removed from every task",
      params: ProjectParams,
      response: z.object({ ok: z.literal(true) }),
      handler: async ({ caller, params }) => {
        requireAdmin(caller, "delete projects");
        await projects.remove(ref(params.id));
        return { body: { ok: true as const } };
      },
    }),
  ];
}
