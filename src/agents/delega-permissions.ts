import { errors } from "../errors.js";
import { PERMISSIONS, type Role } from "./agent-schema.js";

/**
 * Delega's `permissions` (e.g. `tasks.read_all`) expressed as Baton's roles, which are the only
 * thing Baton enforces (DESIGN §7). A permission list grants the smallest role that holds every
 * permission asked for: `tasks.read_all` / `tasks.comment_all` → coordinator, any of the admin's
 * (`agents.manage`, `tasks.all`, …) → admin, the worker's own (`tasks.own`, `tasks.delegate`) or
 * none → worker. Delega's dotted spelling and Baton's `tasks:read_all` are both accepted. Pure.
 */
const ROLE_ORDER: Role[] = ["worker", "coordinator", "admin"];

const normalise = (permission: string) => permission.trim().toLowerCase().replace(".", ":");

const KNOWN = [...new Set(Object.values(PERMISSIONS).flat())];

export function roleForPermissions(requested: string[]): Role {
  const wanted = requested.map(normalise);
  const unknown = requested.filter((_, i) => !KNOWN.includes(wanted[i]!));
  if (unknown.length > 0) {
    throw errors.unprocessable(
      "unknown_permission",
      `Unknown permission${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; Baton grants roles, whose permissions are: ${KNOWN.join(", ")}`,
      { field: "permissions", known: KNOWN },
    );
  }
  // The least role that holds them all (an admin holds everything).
  return (
    ROLE_ORDER.find(
      (role) => role === "admin" || wanted.every((p) => PERMISSIONS[role].includes(p)),
    ) ?? "admin"
  );
}

/** What a permissions request was granted as, said in the answer so the caller knows. */
export function permissionsNotice(requested: string[], role: Role): string {
  const asked = requested.length > 0 ? requested.join(", ") : "no permissions";
  return `Baton grants roles, not single permissions: ${asked} → role "${role}" (${PERMISSIONS[role].join(", ")})`;
}
