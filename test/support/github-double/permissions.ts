// What github.com lets each identity do on a repository, for the operations the double serves.
// The App's installation and people with push access (owner, collaborators) may do anything;
// anyone else may open issues and comment, and edit or close/reopen only their own issues.
import type { DoubleContext } from "./context.ts";
import { DoubleError } from "./errors.ts";
import type { Actor } from "./people.ts";
import type { IssueRecord } from "./state.ts";

export function hasPush(ctx: DoubleContext, actor: Actor): boolean {
  if (actor.kind === "app") return true;
  if (actor.kind === "jwt") return false;
  return ctx.people.association(actor.login) !== "NONE";
}

const forbidden = () => new DoubleError(403, "Must have admin rights to Repository.");

/** Editing an issue's title, body or state: writers, or the issue's own author. */
export function assertMayEdit(ctx: DoubleContext, actor: Actor, issue: IssueRecord): void {
  if (hasPush(ctx, actor)) return;
  if (actor.kind === "user" && issue.author === actor.login) return;
  throw forbidden();
}

/** Labelling, assigning and linking sub-issues: writers only (triage and up on github.com). */
export function assertMayTriage(ctx: DoubleContext, actor: Actor): void {
  if (!hasPush(ctx, actor)) throw forbidden();
}
