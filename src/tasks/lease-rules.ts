import { errors, type BatonError } from "../errors.js";
import type { Caller } from "./access.js";
import type { SessionState } from "./task-schema.js";
import { UNCLAIMED, type TaskClaim } from "./task-view.js";

/**
 * Claims and leases as pure rules (issue #17): who may take a task, who may write to it while it
 * is held, and what a claim, heartbeat, state change or release turns a claim record into. The
 * store applies these inside one transaction, so the rules never race.
 */

export type ReleaseReason = "released" | "lease_expired" | "completed" | "deleted";

/** One task's claim record, as the store keeps it (times in ms since the epoch or ISO). */
export interface ClaimRow {
  task_id: number;
  /** The holder; null once released. */
  agent_id: string | null;
  /** Fencing token: grows by one with every new claim of the task, never reused. */
  token: number;
  lease_expires_at: number | null;
  claimed_at: string | null;
  heartbeat_at: string | null;
  session_state: SessionState | null;
  session_state_detail: string | null;
  handoff_note: string | null;
  handoff_by_agent_id: string | null;
  handoff_state: SessionState | null;
  released_at: string | null;
  release_reason: ReleaseReason | null;
  /** Grows whenever what GitHub shows of the claim changes; `shown_version` is what it shows. */
  version: number;
  shown_version: number;
}

export interface LeaseBounds {
  minSeconds: number;
  maxSeconds: number;
  defaultSeconds: number;
}

export const DEFAULT_LEASE_BOUNDS: LeaseBounds = {
  minSeconds: 30,
  maxSeconds: 3600,
  defaultSeconds: 300,
};

/** The lease a request asks for, in ms; 422 outside the bounds. */
export function leaseMs(requested: number | undefined, bounds: LeaseBounds): number {
  const seconds = requested ?? bounds.defaultSeconds;
  if (seconds < bounds.minSeconds || seconds > bounds.maxSeconds) {
    const message = `must be between ${bounds.minSeconds} and ${bounds.maxSeconds} seconds`;
    throw errors.unprocessable("validation_failed", `lease_seconds ${message}`, {
      errors: [{ field: "lease_seconds", message }],
    });
  }
  return seconds * 1000;
}

export const isLive = (row: ClaimRow | undefined, now: number): row is ClaimRow =>
  row !== undefined && row.agent_id !== null && (row.lease_expires_at ?? 0) > now;

/** What GitHub shows of a claim: the holder and, when it is stuck, why. */
export interface ClaimDisplay {
  by: string;
  state: SessionState;
  detail: string | null;
}

export function displayOf(row: ClaimRow | undefined): ClaimDisplay | null {
  if (!row?.agent_id) return null;
  const state = row.session_state ?? "working";
  return { by: row.agent_id, state, detail: state === "working" ? null : row.session_state_detail };
}

const sameDisplay = (a: ClaimRow | undefined, b: ClaimRow) =>
  JSON.stringify(displayOf(a)) === JSON.stringify(displayOf(b));

/** The next record, with its version bumped when GitHub must show something new. */
function evolve(row: ClaimRow | undefined, next: ClaimRow): ClaimRow {
  const version = row?.version ?? 0;
  return { ...next, version: sameDisplay(row, next) ? version : version + 1 };
}

/** A task's claim row before anyone claimed it. */
export function emptyClaim(taskId: number): ClaimRow {
  return {
    task_id: taskId,
    agent_id: null,
    token: 0,
    lease_expires_at: null,
    claimed_at: null,
    heartbeat_at: null,
    session_state: null,
    session_state_detail: null,
    handoff_note: null,
    handoff_by_agent_id: null,
    handoff_state: null,
    released_at: null,
    release_reason: null,
    version: 0,
    shown_version: 0,
  };
}

export function heldConflict(row: ClaimRow, taskId: number): BatonError {
  const until = new Date(row.lease_expires_at ?? 0).toISOString();
  return errors.conflict(
    "task_claimed",
    `Task #${taskId} is claimed by agent "${row.agent_id}" until ${until}`,
    { claimed_by_agent_id: row.agent_id, lease_expires_at: until },
  );
}

export type Grant = { granted: true; row: ClaimRow; renewed: boolean } | { granted: false };

/**
 * A claim by `agentId`. Granted when nobody holds a live lease; the holder claiming again only
 * extends its lease and keeps its token. An expired lease must be released (with its event)
 * before someone else may take the task, so callers sweep first.
 */
export function grantClaim(
  row: ClaimRow | undefined,
  taskId: number,
  agentId: string,
  lease: number,
  now: number,
): Grant {
  const at = new Date(now).toISOString();
  if (row?.agent_id === agentId && isLive(row, now)) {
    return {
      granted: true,
      renewed: true,
      row: { ...row, lease_expires_at: now + lease, heartbeat_at: at },
    };
  }
  if (row?.agent_id) return { granted: false };
  const base = row ?? emptyClaim(taskId);
  const next: ClaimRow = {
    ...base,
    agent_id: agentId,
    token: base.token + 1,
    lease_expires_at: now + lease,
    claimed_at: at,
    heartbeat_at: at,
    session_state: "working",
    session_state_detail: null,
    released_at: null,
    release_reason: null,
  };
  return { granted: true, renewed: false, row: evolve(row, next) };
}

/** The caller must hold a live claim (with this token, when one is sent); else 409. */
export function requireHolder(
  row: ClaimRow | undefined,
  taskId: number,
  agentId: string,
  token: number | undefined,
  now: number,
): ClaimRow {
  if (!isLive(row, now) || row.agent_id !== agentId) {
    throw errors.conflict(
      "claim_not_held",
      `Agent "${agentId}" holds no live claim on task #${taskId}`,
      {
        claimed_by_agent_id: isLive(row, now) ? row.agent_id : null,
        lease_expires_at: isLive(row, now) ? new Date(row.lease_expires_at!).toISOString() : null,
      },
    );
  }
  if (token !== undefined && token !== row.token) throw staleToken(row, taskId, token);
  return row;
}

export function staleToken(row: ClaimRow | undefined, taskId: number, token: number): BatonError {
  return errors.conflict(
    "stale_claim_token",
    `Claim token ${token} is stale for task #${taskId}: the claim expired or was taken over`,
    {
      claim_token: token,
      current_claim_token: row?.token ?? null,
      claimed_by_agent_id: row?.agent_id ?? null,
    },
  );
}

export interface SessionChange {
  state?: SessionState | undefined;
  detail?: string | null | undefined;
}

function withSession(row: ClaimRow, change: SessionChange): ClaimRow {
  if (change.state === undefined && change.detail === undefined) return row;
  return {
    ...row,
    session_state: change.state ?? row.session_state,
    // A new state without a detail clears the old one (it described the old state).
    session_state_detail:
      change.detail !== undefined ? change.detail : change.state ? null : row.session_state_detail,
  };
}

/** A heartbeat: the lease runs `lease` ms from now; the session state may change with it. */
export function heartbeat(
  row: ClaimRow,
  lease: number,
  change: SessionChange,
  now: number,
): ClaimRow {
  const at = new Date(now).toISOString();
  return evolve(
    row,
    withSession({ ...row, lease_expires_at: now + lease, heartbeat_at: at }, change),
  );
}

/** A state change without extending the lease. */
export function changeState(row: ClaimRow, change: SessionChange): ClaimRow {
  return evolve(row, withSession(row, change));
}

/**
 * The task is free again. What the next holder should know stays: the hand-off note (or, without
 * one, the last state detail), who left it and in which state.
 */
export function release(
  row: ClaimRow,
  reason: ReleaseReason,
  handoff: string | undefined,
  now: number,
): ClaimRow {
  return evolve(row, {
    ...row,
    agent_id: null,
    lease_expires_at: null,
    session_state: null,
    session_state_detail: null,
    handoff_note: handoff ?? row.session_state_detail ?? null,
    handoff_by_agent_id: row.agent_id,
    handoff_state: row.session_state,
    released_at: new Date(now).toISOString(),
    release_reason: reason,
  });
}

/** What the task writes need of claims (implemented by the claim service). */
export interface ClaimGuard {
  /** Throws 409 when a live claim (or a stale token) forbids `caller` this write. */
  checkWrite(caller: Caller, taskId: number): void;
  /** The task was completed or deleted: its claim ends. */
  closed(taskId: number, agentId: string, reason: "completed" | "deleted"): void;
}

export type WriteVerdict = { allowed: true; override: ClaimRow | null };

/**
 * May `caller` write to a task whose claim record is `row`? A write that carries a token must carry
 * the live claim's (a slow agent whose lease expired cannot overwrite its successor). A live claim
 * is exclusive to its holder; coordinators and admins may override, and the override is recorded.
 */
export function writeVerdict(
  row: ClaimRow | undefined,
  taskId: number,
  caller: Caller,
  token: number | undefined,
  now: number,
): WriteVerdict {
  const live = isLive(row, now);
  if (token !== undefined && (!live || row.token !== token || row.agent_id !== caller.id)) {
    throw staleToken(row, taskId, token);
  }
  if (!live || row.agent_id === caller.id) return { allowed: true, override: null };
  if (caller.role === "coordinator" || caller.role === "admin")
    return { allowed: true, override: row };
  throw heldConflict(row, taskId);
}

/** The task fields a claim record contributes (DELEGA-API.md "Later additions"). */
export type ClaimFields = TaskClaim;

export const NO_CLAIM: ClaimFields = UNCLAIMED;

/** A record as task fields; an expired lease not swept yet already reads as released. */
export function claimFields(row: ClaimRow | undefined, now: number): ClaimFields {
  if (!row) return NO_CLAIM;
  const expired = row.agent_id !== null && (row.lease_expires_at ?? 0) <= now;
  const current = expired ? release(row, "lease_expired", undefined, now) : row;
  return {
    claimed_by_agent_id: current.agent_id,
    lease_expires_at:
      current.lease_expires_at !== null ? new Date(current.lease_expires_at).toISOString() : null,
    session_state: current.session_state,
    session_state_detail: current.session_state_detail,
    handoff_note: current.handoff_note,
    handoff_by_agent_id: current.handoff_by_agent_id,
    handoff_state: current.handoff_state,
  };
}
