import { z } from "zod";
import { errors } from "../errors.js";
import type { Subtask } from "./task-schema.js";
import { render, unrender } from "./untrusted-text.js";

/**
 * Delega's checklist sub-tasks (items inside one task, not delegation) as a GitHub task list in
 * the issue body, so people tick them on github.com and agents read the ticks:
 *
 *   <!-- baton:checklist -->
 *   **Checklist**
 *
 *   - [ ] Write the migration
 *   - [x] Review the schema
 *
 * The hidden metadata keeps each item's id and exact text; the visible list is the truth for what
 * is there and what is ticked. Item text is defused like every agent text (untrusted-text.ts). Pure.
 */
export const CHECKLIST_MARKER = "<!-- baton:checklist -->";
export const MAX_ITEMS = 50;
export const MAX_ITEM_CHARS = 200;

export const ChecklistEntrySchema = z.object({
  id: z.number().int().positive(),
  content: z.string(),
  done: z.boolean().default(false),
});
export type ChecklistEntry = z.infer<typeof ChecklistEntrySchema>;

export interface Checklist {
  items: ChecklistEntry[];
  /** The last id given out; ids are never reused. */
  seq: number;
}

const ITEM_RE = /^\s*[-*+] \[([ xX])\] ?(.*)$/;

/** An item as one visible line of the list: one line, defused. */
const visibleText = (content: string) => render(content.replace(/\s+/g, " ").trim());

export function renderChecklist(items: ChecklistEntry[]): string {
  const lines = items.map((item) => `- [${item.done ? "x" : " "}] ${visibleText(item.content)}`);
  return [`${CHECKLIST_MARKER}\n**Checklist**`, lines.join("\n")].join("\n\n");
}

/** The visible items of a checklist section (the text after the marker). */
export function parseChecklist(section: string): Array<{ text: string; done: boolean }> {
  return section.split(/\r?\n/).flatMap((line) => {
    const match = ITEM_RE.exec(line);
    const text = match?.[2]?.trim();
    return match && text ? [{ text, done: match[1] !== " " }] : [];
  });
}

/**
 * The checklist as it stands: the visible items, in their order, with the ids and exact texts the
 * metadata knows. An item a person added or reworded gets the next id; one a person removed is gone.
 */
export function reconcile(
  known: Checklist,
  visible: Array<{ text: string; done: boolean }> | null,
): Checklist {
  if (visible === null) return { items: [], seq: known.seq };
  const unused = [...known.items];
  let seq = known.seq;
  const items = visible.map(({ text, done }) => {
    const index = unused.findIndex((entry) => visibleText(entry.content) === text);
    if (index >= 0) {
      const [entry] = unused.splice(index, 1);
      return { id: entry!.id, content: entry!.content, done };
    }
    seq += 1;
    return { id: seq, content: unrender(text), done };
  });
  return { items, seq };
}

export const ChecklistItemCreateSchema = z
  .object({
    content: z
      .string()
      .max(MAX_ITEM_CHARS, `must be at most ${MAX_ITEM_CHARS} characters`)
      .refine((value) => value.trim().length > 0, "must not be blank"),
    completed: z.boolean().optional(),
  })
  .meta({ id: "SubtaskCreate" });

export const ChecklistItemUpdateSchema = ChecklistItemCreateSchema.partial().meta({
  id: "SubtaskUpdate",
});

export function addItem(
  list: Checklist,
  input: { content: string; completed?: boolean | undefined },
): { list: Checklist; item: ChecklistEntry } {
  if (list.items.length >= MAX_ITEMS) {
    throw errors.unprocessable(
      "checklist_full",
      `A task's checklist holds at most ${MAX_ITEMS} items`,
      { field: "content" },
    );
  }
  const item = { id: list.seq + 1, content: input.content.trim(), done: input.completed ?? false };
  return { list: { items: [...list.items, item], seq: item.id }, item };
}

export function updateItem(
  list: Checklist,
  id: number,
  change: (item: ChecklistEntry) => ChecklistEntry,
): { list: Checklist; item: ChecklistEntry } {
  const item = find(list, id);
  const updated = change(item);
  return {
    list: { ...list, items: list.items.map((entry) => (entry.id === id ? updated : entry)) },
    item: updated,
  };
}

export function removeItem(list: Checklist, id: number): Checklist {
  find(list, id);
  return { ...list, items: list.items.filter((entry) => entry.id !== id) };
}

function find(list: Checklist, id: number): ChecklistEntry {
  const item = list.items.find((entry) => entry.id === id);
  if (!item) throw errors.notFound("subtask_not_found", `No checklist item ${id} on this task`);
  return item;
}

/** The API's view of a checklist (Delega's sub-task fields). */
export function toSubtasks(taskId: number, items: ChecklistEntry[]): Subtask[] {
  return items.map((item, index) => ({
    id: item.id,
    task_id: taskId,
    content: item.content,
    completed: item.done,
    sort_order: index,
  }));
}
