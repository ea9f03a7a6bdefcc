import { canRead, inCallerProjects, type Caller } from "../tasks/access.js";
import { errors } from "../errors.js";
import type { Cause } from "../events/trust.js";
import type { ClaimStore } from "../store/claim-store.js";
import type { ReadyQuery, TaskIndex } from "../store/task-index-store.js";
import type { ProjectService } from "../services/project-service.js";
import type { Task } from "../tasks/task-schema.js";
import type { TaskService } from "../services/task-service.js";
import type { ClaimEvents } from "./claim-events.js";
import type { LeaseKeeper } from "./lease-keeper.js";
import {
  changeState,
  claimFields,
  grantClaim,
  heartbeat,
  heldConflict,
  leaseMs,
  release,
  requireHolder,
  type ClaimRow,
  type LeaseBounds,
  type SessionChange,
  writeVerdict,
  type ClaimGuard,
} from "../tasks/lease-rules.js";

export interface ClaimServiceOptions {
  store: ClaimStore;
  index: TaskIndex;
  tasks: Pick<TaskService, "load" | "toTask" | "reindex">;
  projects: Pick<ProjectService, "resolve" | "slugsOf">;
  keeper: LeaseKeeper;
  events: ClaimEvents;
  bounds: LeaseBounds;
  /** Dependencies: an open task blocks this one (a queue claim then passes it over). */
  blocked?: (taskId: number) => boolean;
  now?: () => number;
}

export interface Claimed {
  task: Task | null;
  /** The fencing token: send it as `X-Claim-Token` with the writes made under this claim. */
  claim_token: number | null;
}

export interface QueueQuery {
  project_id?: number | string | null | undefined;
  labels?: string[] | undefined;
}

const SYSTEM: Caller = { id: "baton", role: "admin" };
/** A queue claim tries this many stale index entries before it answers null. */
const QUEUE_ATTEMPTS = 5;

/**
 * Claims with leases (issue #17), in the hosted Delega shapes. The decision is made in the store
 * (one transaction); GitHub is then told, with one write, who holds the task.
 */
export class ClaimService implements ClaimGuard {
  readonly #o: ClaimServiceOptions;
  readonly #now: () => number;

  constructor(options: ClaimServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** `POST /tasks/{id}/claim`. 409 when completed, assigned to another agent or held. */
  async claim(caller: Caller, taskId: number, leaseSeconds?: number): Promise<Claimed> {
    const lease = leaseMs(leaseSeconds, this.#o.bounds);
    this.#o.keeper.releaseExpired(taskId);
    const { task } = await this.#o.tasks.load(SYSTEM, taskId, "read");
    this.#checkClaimable(caller, task);
    const row = this.#o.store.update(taskId, (current) => {
      const grant = grantClaim(current, taskId, caller.id, lease, this.#now());
      if (!grant.granted) throw heldConflict(current!, taskId);
      if (!grant.renewed) this.#o.events.claimed(grant.row, caller.id);
      return { next: grant.row, result: grant.row };
    });
    return this.#answer(row);
  }

  /**
   * `POST /tasks/claim`: the best ready task, claimed in the same transaction that picked it, so
   * racing agents each get a different task or null. The issue is then read back; an entry the
   * index had wrong (closed, reassigned meanwhile) is given back and the next one tried.
   */
  async claimNext(caller: Caller, query: QueueQuery, leaseSeconds?: number): Promise<Claimed> {
    const lease = leaseMs(leaseSeconds, this.#o.bounds);
    this.#o.keeper.releaseExpired();
    const projectSlug =
      query.project_id != null ? (await this.#o.projects.resolve(query.project_id)).slug : null;
    const allowedProjects = await this.#o.projects.slugsOf(caller.projectIds);
    const filter = { projectSlug, allowedProjects, labels: query.labels };
    for (let attempt = 0; attempt < QUEUE_ATTEMPTS; attempt++) {
      const picked = this.#pick(caller, filter, lease);
      if (!picked) return { task: null, claim_token: null };
      const fresh = await this.#o.tasks
        .load(SYSTEM, picked.row.task_id, "read")
        .catch((error: unknown) => {
          this.#giveBack(picked);
          if ((error as { status?: number }).status !== 404) throw error;
          return null;
        });
      if (fresh && this.#claimable(caller, fresh.task)) {
        // Its own write transaction: another replica may be writing the same database.
        this.#o.store.transaction(() => this.#o.events.claimed(picked.row, caller.id));
        return this.#answer(picked.row);
      }
      if (fresh) {
        this.#giveBack(picked);
        await this.#o.tasks.reindex(fresh.issue);
      }
    }
    return { task: null, claim_token: null };
  }

  /** Undoes a pick the issue did not bear out. The token stays spent: it is never handed out twice. */
  #giveBack(picked: { row: ClaimRow; before: ClaimRow }): void {
    this.#o.store.update(picked.row.task_id, (current) =>
      current?.token === picked.row.token
        ? { next: { ...picked.before, token: picked.row.token }, result: undefined }
        : { result: undefined },
    );
  }

  #pick(
    caller: Caller,
    filter: Pick<ReadyQuery, "projectSlug" | "allowedProjects" | "labels">,
    lease: number,
  ) {
    return this.#o.store.transaction(() => {
      const now = this.#now();
      const ids = this.#o.index.readyIds({ agentId: caller.id, ...filter, now, limit: 20 });
      for (const id of ids) {
        const picked = this.#o.store.update(id, (current) => {
          const grant = grantClaim(current, id, caller.id, lease, now);
          if (!grant.granted || grant.renewed) return { result: undefined };
          const before = current ?? {
            ...grant.row,
            agent_id: null,
            token: 0,
            lease_expires_at: null,
            version: 0,
          };
          return { next: grant.row, result: { row: grant.row, before } };
        });
        if (picked) return picked;
      }
      return undefined;
    });
  }

  /** `POST /tasks/{id}/heartbeat`: extends the lease; a state sent with it is a state change. */
  async heartbeat(
    caller: Caller,
    taskId: number,
    body: SessionChange & { lease_seconds?: number | undefined },
  ): Promise<Task> {
    const lease = leaseMs(body.lease_seconds, this.#o.bounds);
    const row = this.#o.store.update(taskId, (current) => {
      const held = requireHolder(current, taskId, caller.id, caller.claimToken, this.#now());
      const next = heartbeat(held, lease, body, this.#now());
      if (next.version !== held.version) this.#o.events.stateChanged(next, held, caller.id);
      return { next, result: next };
    });
    return this.#show(row, caller);
  }

  /** `POST /tasks/{id}/state`: the session state, without extending the lease. */
  async setState(caller: Caller, taskId: number, change: SessionChange): Promise<Task> {
    const row = this.#o.store.update(taskId, (current) => {
      const held = requireHolder(current, taskId, caller.id, caller.claimToken, this.#now());
      const next = changeState(held, change);
      if (next.version !== held.version) this.#o.events.stateChanged(next, held, caller.id);
      return { next, result: next };
    });
    return this.#show(row, caller);
  }

  /**
   * `POST /tasks/{id}/release`: open and claimable again, the note kept for the next holder. A
   * coordinator or admin may release another agent's claim (recorded as an override).
   */
  async release(caller: Caller, taskId: number, handoff?: string): Promise<Task> {
    const row = this.#o.store.update(taskId, (current) => {
      const now = this.#now();
      const overriding =
        current?.agent_id && current.agent_id !== caller.id && caller.role !== "worker";
      const held = overriding
        ? current
        : requireHolder(current, taskId, caller.id, caller.claimToken, now);
      if (overriding)
        this.#o.store.recordOverride({
          taskId,
          agentId: caller.id,
          holder: held!.agent_id!,
          action: "release",
          at: new Date(now).toISOString(),
        });
      const next = release(held!, "released", handoff, now);
      this.#o.events.released(next, { agentId: caller.id }, "released");
      return { next, result: next };
    });
    return this.#show(row, SYSTEM);
  }

  /** The exclusivity of a live claim over the task writes (complete, update, delegate, …). */
  checkWrite(caller: Caller, taskId: number): void {
    const now = this.#now();
    const verdict = writeVerdict(this.#o.store.get(taskId), taskId, caller, caller.claimToken, now);
    if (verdict.override)
      this.#o.store.recordOverride({
        taskId,
        agentId: caller.id,
        holder: verdict.override.agent_id!,
        action: "write",
        at: new Date(now).toISOString(),
      });
  }

  /** A completed or deleted task is released (its closing write already cleared the display). */
  closed(taskId: number, agentId: string, reason: "completed" | "deleted"): void {
    const row = this.#releaseClosed(taskId, { agentId }, reason);
    if (row) this.#o.store.markShown(taskId, row.version);
  }

  /**
   * The issue was closed on github.com (a person, or an app): its live claim ends at once, with
   * `task.released` naming who closed it; the lease keeper then takes the holder off the closed
   * issue (one write).
   */
  closedOnGitHub(taskId: number, by: Cause, reason: "completed" | "deleted"): void {
    this.#releaseClosed(taskId, by, reason);
  }

  #releaseClosed(taskId: number, by: Cause, reason: "completed" | "deleted") {
    return this.#o.store.update(taskId, (current) => {
      if (!current?.agent_id) return { result: undefined };
      const next = release(current, reason, undefined, this.#now());
      this.#o.events.released(next, by, reason);
      return { next, result: next };
    });
  }

  /**
   * Claimable from the queue by this caller: open, unassigned (in its projects, if restricted)
   * or assigned to it, and (as the fresh read just brought the dependencies up to date) waiting
   * for no open task.
   */
  #claimable(caller: Caller, task: Task): boolean {
    return (
      !task.completed &&
      (task.assigned_to_agent_id === caller.id ||
        (task.assigned_to_agent_id === null && inCallerProjects(caller, task))) &&
      !(this.#o.blocked?.(task.id) ?? false)
    );
  }

  #checkClaimable(caller: Caller, task: Task): void {
    if (task.completed)
      throw errors.conflict("task_completed", `Task #${task.id} is completed; reopen it first`);
    if (task.assigned_to_agent_id !== null && task.assigned_to_agent_id !== caller.id) {
      // A worker that may not see the task learns nothing about it.
      if (!canRead(caller, task)) throw errors.notFound("task_not_found", `No task #${task.id}`);
      throw errors.conflict(
        "task_assigned_elsewhere",
        `Task #${task.id} is assigned to agent "${task.assigned_to_agent_id}"`,
        { assigned_to_agent_id: task.assigned_to_agent_id },
      );
    }
    // An agent an admin restricted to projects takes unassigned work of those only (one it holds
    // already, it may renew).
    const unassigned = task.assigned_to_agent_id === null;
    if (unassigned && task.claimed_by_agent_id !== caller.id && !inCallerProjects(caller, task)) {
      if (!canRead(caller, task)) throw errors.notFound("task_not_found", `No task #${task.id}`);
      throw errors.refused(
        "project_not_allowed",
        `Agent "${caller.id}" takes work from its projects only, and task #${task.id} is in none of them`,
        { project_id: task.project_id, project_ids: caller.projectIds ?? null },
      );
    }
  }

  async #answer(row: ClaimRow): Promise<Claimed> {
    return { task: await this.#show(row, SYSTEM), claim_token: row.token };
  }

  /** Shows the claim on GitHub (one write at most), then answers the task as it now is. */
  async #show(row: ClaimRow, caller: Caller): Promise<Task> {
    if (row.shown_version < row.version) await this.#o.keeper.show(row.task_id);
    const [indexed] = this.#o.index.tasks([row.task_id]);
    const task = indexed ?? (await this.#o.tasks.load(caller, row.task_id, "read")).task;
    return { ...task, ...claimFields(this.#o.store.get(row.task_id), this.#now()) };
  }
}
