import type { IssueGateway } from "../github/issue-gateway.js";
import type { ClaimStore } from "../store/claim-store.js";
import { decodeIssue } from "../tasks/issue-codec.js";
import type { TaskService } from "../services/task-service.js";
import { claimDisplayWrite } from "../tasks/claim-display.js";
import type { ClaimEvents } from "./claim-events.js";
import { displayOf, release, type ClaimRow } from "../tasks/lease-rules.js";

export interface LeaseKeeperOptions {
  store: ClaimStore;
  tasks: Pick<TaskService, "locked" | "writeIssue">;
  gateway: Pick<IssueGateway, "getIssue">;
  events: ClaimEvents;
  /** How often expired leases are released and GitHub is caught up (ms). */
  intervalMs: number;
  log?: (message: string, details?: Record<string, unknown>) => void;
  now?: () => number;
}

/**
 * Keeps claims honest over time: releases leases that ended (each release is one conditional
 * change in the store, so with several replicas exactly one of them releases it and sends
 * `task.released`), and brings GitHub's display of each claim up to date, retrying what failed.
 */
export class LeaseKeeper {
  readonly #o: LeaseKeeperOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: LeaseKeeperOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.tick(), this.#o.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One round; rounds never overlap. */
  tick(): Promise<void> {
    this.#running ??= this.#round().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #round(): Promise<void> {
    try {
      this.releaseExpired();
      for (const row of this.#o.store.unshown(50)) await this.show(row.task_id);
    } catch (error) {
      this.#o.log?.("lease keeper round failed", { err: String(error) });
    }
  }

  /** Releases every lease that has ended (or only `taskId`'s), each with its event. */
  releaseExpired(taskId?: number): ClaimRow[] {
    const now = this.#now();
    const ids = this.#o.store.expiredIds(now).filter((id) => taskId === undefined || id === taskId);
    const released: ClaimRow[] = [];
    for (const id of ids) {
      const row = this.#o.store.update(id, (current) => {
        const still = current?.agent_id != null && (current.lease_expires_at ?? 0) <= now;
        if (!still) return { result: undefined };
        const next = release(current, "lease_expired", undefined, now);
        // In the same transaction: the release and its event are kept together or not at all.
        this.#o.events.released(next, { agentId: current.agent_id }, "lease_expired");
        return { next, result: next };
      });
      if (row) released.push(row);
    }
    return released;
  }

  /**
   * Makes GitHub show the claim as the store has it: at most one issue write, none when it already
   * does. A failure is logged and retried next round; the claim itself is already decided.
   */
  async show(taskId: number): Promise<void> {
    await this.#o.tasks.locked(taskId, async () => {
      const row = this.#o.store.get(taskId);
      if (!row || row.shown_version >= row.version) return;
      try {
        const issue = await this.#o.gateway.getIssue(taskId);
        if (issue) {
          const write = claimDisplayWrite(issue, decodeIssue(issue), displayOf(row));
          const by = row.agent_id ?? row.handoff_by_agent_id ?? undefined;
          await this.#o.tasks.writeIssue(by, issue, write, "claim");
        }
        this.#o.store.markShown(taskId, row.version);
      } catch (error) {
        this.#o.log?.("could not show a claim on GitHub yet", {
          task_id: taskId,
          err: String(error),
        });
      }
    });
  }
}
