import { z } from "zod";
import type { LinkService } from "../../services/link-service.js";
import { LinkCreateSchema, TaskLinkSchema } from "../../tasks/task-links.js";
import { defineRoute, type AnyRoute } from "../route.js";

const TaskParams = z.object({ id: z.coerce.number().int().positive() });

/** A task's links to branches, commits, pull requests and URLs (the hosted Delega routes). */
export function linkRoutes(links: LinkService): AnyRoute[] {
  return [
    defineRoute({
      method: "get",
      path: "/tasks/{id}/links",
      tag: "links",
      summary: "The task's links: [{kind, repo, ref, url}] (kind: branch, commit, pr, url)",
      params: TaskParams,
      response: z.array(TaskLinkSchema),
      handler: async ({ caller, params }) => ({ body: await links.list(caller, params.id) }),
    }),
    defineRoute({
      method: "post",
      path: "/tasks/{id}/links",
      tag: "links",
      summary:
        "Link a branch, commit, pull request or URL to the task (201; 200 when it already has it)",
      params: TaskParams,
      body: LinkCreateSchema,
      response: TaskLinkSchema,
      status: 201,
      handler: async ({ caller, params, body }) => {
        const { link, created } = await links.add(caller, params.id, body);
        return { status: created ? 201 : 200, body: link };
      },
    }),
  ];
}
