// Repository labels: create, edit, delete, and GitHub's implicit grey auto-creation.
import type { DoubleContext } from "./context.ts";
import { DoubleError, notFound, validationFailed } from "./errors.ts";
import type { Actor } from "./people.ts";
import { labelJson } from "./serialize.ts";
import type { LabelRecord } from "./state.ts";

const AUTO_COLOR = "ededed";

function normalizeColor(color: unknown): string {
  if (color === undefined || color === null) return AUTO_COLOR;
  const value = typeof color === "string" ? color.replace(/^#/, "") : "";
  if (!/^[0-9a-fA-F]{6}$/.test(value))
    throw validationFailed({ resource: "Label", code: "invalid", field: "color" });
  return value.toLowerCase();
}

function emitLabel(
  ctx: DoubleContext,
  actor: Actor,
  action: string,
  label: LabelRecord,
  changes?: Record<string, unknown>,
): void {
  const payload: Record<string, unknown> = { label: labelJson(ctx, label) };
  if (changes) payload.changes = changes;
  ctx.emit({ event: "label", action, payload, actor });
}

export function getLabel(ctx: DoubleContext, name: string): LabelRecord {
  const label = ctx.state.findLabel(name);
  if (!label) throw notFound();
  return label;
}

export function createLabel(
  ctx: DoubleContext,
  actor: Actor,
  input: { name?: unknown; color?: unknown; description?: unknown },
): LabelRecord {
  if (typeof input.name !== "string" || input.name.trim() === "") {
    throw validationFailed({ resource: "Label", code: "missing_field", field: "name" });
  }
  if (ctx.state.findLabel(input.name))
    throw validationFailed({ resource: "Label", code: "already_exists", field: "name" });
  const description = typeof input.description === "string" ? input.description : null;
  if (description !== null && description.length > 100) {
    throw validationFailed({ resource: "Label", code: "invalid", field: "description" });
  }
  const label: LabelRecord = {
    ...ctx.state.allocateLabel(),
    name: input.name,
    color: normalizeColor(input.color),
    description,
  };
  ctx.state.labels.set(label.id, label);
  emitLabel(ctx, actor, "created", label);
  return label;
}

export function updateLabel(
  ctx: DoubleContext,
  actor: Actor,
  name: string,
  input: { new_name?: unknown; color?: unknown; description?: unknown },
): LabelRecord {
  const label = getLabel(ctx, name);
  const changes: Record<string, { from: unknown }> = {};
  if (typeof input.new_name === "string" && input.new_name !== label.name) {
    const clash = ctx.state.findLabel(input.new_name);
    if (clash && clash.id !== label.id)
      throw validationFailed({ resource: "Label", code: "already_exists", field: "name" });
    changes.name = { from: label.name };
    label.name = input.new_name;
  }
  if (input.color !== undefined) {
    const color = normalizeColor(input.color);
    if (color !== label.color) changes.color = { from: label.color };
    label.color = color;
  }
  if (input.description !== undefined) {
    const description = typeof input.description === "string" ? input.description : null;
    if (description !== label.description) changes.description = { from: label.description };
    label.description = description;
  }
  emitLabel(ctx, actor, "edited", label, changes);
  return label;
}

export function deleteLabel(ctx: DoubleContext, actor: Actor, name: string): void {
  const label = getLabel(ctx, name);
  for (const issue of ctx.state.issues.values())
    issue.labelIds = issue.labelIds.filter((id) => id !== label.id);
  ctx.state.labels.delete(label.id);
  emitLabel(ctx, actor, "deleted", label);
}

/** Label names from a REST body: strings or {name} objects. */
export function parseLabelNames(value: unknown): string[] {
  if (!Array.isArray(value))
    throw new DoubleError(422, "Invalid request.\n\nFor 'labels', is not an array.");
  return value.map((item: unknown) => {
    if (typeof item === "string") return item;
    if (item && typeof item === "object" && "name" in item && typeof item.name === "string")
      return item.name;
    throw new DoubleError(422, "Invalid request.\n\nFor 'labels', items must be strings.");
  });
}

/** Resolve names to labels, creating unknown ones grey as GitHub does (and recording that). */
export function resolveLabels(ctx: DoubleContext, actor: Actor, names: string[]): LabelRecord[] {
  const result: LabelRecord[] = [];
  for (const name of names) {
    let label = ctx.state.findLabel(name);
    if (!label) {
      label = createLabel(ctx, actor, { name, color: AUTO_COLOR });
      ctx.state.autoCreatedLabels.push(name);
    }
    if (!result.includes(label)) result.push(label);
  }
  return result;
}
