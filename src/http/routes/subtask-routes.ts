import { z } from "zod";
import type { Caller } from "../../tasks/access.js";
import {
  addItem,
  ChecklistItemCreateSchema,
  ChecklistItemUpdateSchema,
  removeItem,
  toSubtasks,
  updateItem,
  type Checklist,
  type ChecklistEntry,
} from "../../tasks/checklist.js";
import { encodeTask } from "../../tasks/issue-codec.js";
import { SubtaskSchema, type Subtask } from "../../tasks/task-schema.js";
import type { TaskService } from "../../services/task-service.js";
import { defineRoute, type AnyRoute } from "../route.js";

const TaskParams = z.object({ id: z.coerce.number().int().positive() });
const ItemParams = TaskParams.extend({ sid: z.coerce.number().int().positive() });
const Ok = z.object({ ok: z.literal(true) });

type Change = (list: Checklist) => { list: Checklist; item?: ChecklistEntry };

/**
 * Delega's checklist sub-tasks: items of a GitHub task list in the issue body (checklist.ts).
 * Each change is one body write under the task's lock, after a fresh read, so a box a person
 * ticked on github.com a moment ago is kept.
 */
export function subtaskRoutes(tasks: TaskService): AnyRoute[] {
  const change = (caller: Caller, id: number, apply: Change) =>
    tasks.locked(id, async () => {
      const { issue, decoded } = await tasks.load(caller, id, "write");
      const { list, item } = apply({
        items: decoded.meta.checklist,
        seq: decoded.meta.checklist_seq,
      });
      const meta = { ...decoded.meta, checklist: list.items, checklist_seq: list.seq };
      await tasks.writeIssue(
        caller.id,
        issue,
        { body: encodeTask({ ...decoded, meta }).body },
        "updated",
      );
      return item ? subtask(id, list, item) : undefined;
    });

  return [
    defineRoute({
      method: "get",
      path: "/tasks/{id}/subtasks",
      tag: "subtasks",
      summary: "A task's checklist (the task list in its issue body; people tick it on github.com)",
      params: TaskParams,
      response: z.array(SubtaskSchema),
      handler: async ({ caller, params }) => ({
        body: (await tasks.get(caller, params.id)).subtasks,
      }),
    }),
    defineRoute({
      method: "post",
      path: "/tasks/{id}/subtasks",
      tag: "subtasks",
      summary: "Add a checklist item",
      params: TaskParams,
      body: ChecklistItemCreateSchema,
      response: SubtaskSchema,
      status: 201,
      handler: async ({ caller, params, body }) => ({
        status: 201,
        body: (await change(caller, params.id, (list) => addItem(list, body)))!,
      }),
    }),
    defineRoute({
      method: "put",
      path: "/tasks/{id}/subtasks/{sid}",
      tag: "subtasks",
      summary: "Change a checklist item's text or tick",
      params: ItemParams,
      body: ChecklistItemUpdateSchema,
      response: SubtaskSchema,
      handler: async ({ caller, params, body }) => ({
        body: (await change(caller, params.id, (list) =>
          updateItem(list, params.sid, (item) => ({
            ...item,
            content: body.content?.trim() ?? item.content,
            done: body.completed ?? item.done,
          })),
        ))!,
      }),
    }),
    defineRoute({
      method: "post",
      path: "/tasks/{id}/subtasks/{sid}/toggle",
      tag: "subtasks",
      summary: "Tick or untick a checklist item",
      params: ItemParams,
      response: SubtaskSchema,
      handler: async ({ caller, params }) => ({
        body: (await change(caller, params.id, (list) =>
          updateItem(list, params.sid, (item) => ({ ...item, done: !item.done })),
        ))!,
      }),
    }),
    defineRoute({
      method: "delete",
      path: "/tasks/{id}/subtasks/{sid}",
      tag: "subtasks",
      summary: "Remove a checklist item",
      params: ItemParams,
      response: Ok,
      handler: async ({ caller, params }) => {
        await change(caller, params.id, (list) => ({ list: removeItem(list, params.sid) }));
        return { body: { ok: true as const } };
      },
    }),
  ];
}

function subtask(taskId: number, list: Checklist, item: ChecklistEntry): Subtask {
  return toSubtasks(taskId, list.items).find((entry) => entry.id === item.id)!;
}
