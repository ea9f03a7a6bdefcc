import type { GitHubIssue } from "../tasks/github-issue.js";
import type { HookDeliveries } from "../github/hook-deliveries.js";
import type { RecentChanges } from "../github/recent-changes.js";
import type { SqliteCatchUpStore } from "../store/catch-up-store.js";
import { deliveriesToReplay, readBackWebhooks, type SeenTask } from "./catch-up-plan.js";
import type { DistributedLock } from "../store/distributed-lock.js";
import type { Delivery, Sender } from "../github/webhook-payloads.js";

export interface CatchUpOptions {
  deliveries: Pick<HookDeliveries, "since" | "webhook">;
  changes: Pick<RecentChanges, "issuesSince" | "commentsSince">;
  store: SqliteCatchUpStore;
  /** Hands a webhook to the App's handlers, exactly as if GitHub had just delivered it. */
  receive: (webhook: Delivery) => Promise<void>;
  seen: (issue: number) => SeenTask | undefined;
  changedBy: (issue: GitHubIssue) => Sender;
  envelope: Record<string, unknown>;
  log: (message: string, details?: Record<string, unknown>) => void;
  now?: () => Date;
  /** Replicas (PostgreSQL): one pass at a time across all of them; a busy lock skips the pass. */
  lock?: DistributedLock;
}

export interface CatchUpReport {
  from: string;
  until: string;
  /** Missed deliveries fetched from GitHub and handled. */
  replayed: number;
  /** Changes rebuilt from the issues and comments as they are now. */
  readBack: number;
  /** False if part of it failed: the same window is looked at again next time. */
  complete: boolean;
  /** Another replica was running a pass: this one did nothing. */
  skipped?: boolean;
}

/** Changes this close to the cursor are looked at again: clocks differ, lists lag a little. */
const OVERLAP_MS = 5 * 60_000;
/** A periodic run leaves the latest minute to the live webhooks still on their way. */
const LIVE_GRACE_MS = 60_000;
const KEEP_REPLAYED_MS = 7 * 86_400_000;

/**
 * DESIGN §6a: GitHub does not retry a failed webhook, so at start and at intervals Baton asks
 * what it missed. First the App's webhook deliveries: every delivery whose attempts all failed
 * is fetched and handed to the handlers, in the order GitHub sent them (exact events, exact
 * senders). Then, for what the deliveries API no longer holds or cannot give, the issues and
 * comments changed since the cursor are read back and turned into the webhooks GitHub would
 * have sent. The relay's per-task snapshots and delivery ids make both idempotent: a change
 * becomes its event once, whichever way it arrives; chain roll-ups follow from the same handlers.
 */
export class CatchUp {
  readonly #o: CatchUpOptions;
  readonly #now: () => Date;
  readonly #startedAt: Date;
  #running: Promise<CatchUpReport> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: CatchUpOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
    this.#startedAt = this.#now();
  }

  /** One pass; concurrent calls share the pass in progress. */
  run(): Promise<CatchUpReport> {
    this.#running ??= this.#exclusivePass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /**
   * A pass that begins after the one in progress, if any, so it lists what GitHub recorded since
   * that one listed: the deliveries that failed while Baton was starting, before it listened.
   */
  runAgain(): Promise<CatchUpReport> {
    const current = this.#running;
    if (!current) return this.run();
    return current.catch(() => undefined).then(() => this.run());
  }

  /** Runs now, then every `intervalMs` (0: only now). */
  start(intervalMs: number): void {
    const tick = () =>
      void this.run().catch((error: unknown) =>
        this.#o.log("catch-up failed; will try again", { error: String(error) }),
      );
    tick();
    if (intervalMs > 0) {
      this.#timer = setInterval(tick, intervalMs);
      this.#timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #exclusivePass(): Promise<CatchUpReport> {
    if (!this.#o.lock) return this.#pass();
    const held = await this.#o.lock.tryRun("catch-up", () => this.#pass());
    if (held.ran) return held.value;
    const at = this.#now().toISOString();
    return { from: at, until: at, replayed: 0, readBack: 0, complete: true, skipped: true };
  }

  async #pass(): Promise<CatchUpReport> {
    const now = this.#now();
    const cursor = this.#o.store.cursor();
    // At start, everything before this process started was missed; later, leave the live edge.
    const until = new Date(
      cursor === undefined || now.getTime() - this.#startedAt.getTime() < LIVE_GRACE_MS
        ? Math.min(now.getTime(), this.#startedAt.getTime())
        : now.getTime() - LIVE_GRACE_MS,
    ).toISOString();
    if (cursor === undefined) {
      // A new installation: nothing was missed before Baton first ran.
      this.#o.store.setCursor(until);
      return { from: until, until, replayed: 0, readBack: 0, complete: true };
    }
    const from = new Date(Date.parse(cursor) - OVERLAP_MS).toISOString();
    const report: CatchUpReport = { from, until, replayed: 0, readBack: 0, complete: true };
    await this.#replayDeliveries(report);
    await this.#readBack(report);
    if (report.complete) {
      if (Date.parse(until) > Date.parse(cursor)) this.#o.store.setCursor(until);
      this.#o.store.purgeOlderThan(new Date(now.getTime() - KEEP_REPLAYED_MS).toISOString());
    }
    if (report.replayed + report.readBack > 0) this.#o.log("caught up with GitHub", { ...report });
    return report;
  }

  async #replayDeliveries(report: CatchUpReport): Promise<void> {
    let missed;
    try {
      const attempts = await this.#o.deliveries.since(report.from);
      missed = deliveriesToReplay(attempts, (guid) => this.#o.store.isRecovered(guid));
    } catch (error) {
      // Reading back below still finds the changes; their exact sequence may be lost.
      this.#o.log("could not list missed deliveries; reading changes back instead", {
        error: String(error),
      });
      return;
    }
    for (const delivery of missed) {
      try {
        const webhook = await this.#o.deliveries.webhook(delivery.id);
        if (webhook) await this.#o.receive(webhook);
      } catch (error) {
        // Not marked: the next pass replays it (and the ones after it) again.
        report.complete = false;
        this.#o.log("could not replay a missed delivery; will try again", {
          delivery: delivery.guid,
          error: String(error),
        });
        return;
      }
      this.#o.store.markRecovered(delivery.guid, this.#now().toISOString());
      report.replayed++;
    }
  }

  async #readBack(report: CatchUpReport): Promise<void> {
    try {
      const [issues, comments] = await Promise.all([
        this.#o.changes.issuesSince(report.from),
        this.#o.changes.commentsSince(report.from),
      ]);
      const webhooks = readBackWebhooks({
        issues,
        comments,
        from: report.from,
        until: report.until,
        seen: this.#o.seen,
        changedBy: this.#o.changedBy,
        envelope: this.#o.envelope,
      });
      for (const webhook of webhooks) {
        await this.#o.receive(webhook);
        report.readBack++;
      }
    } catch (error) {
      report.complete = false;
      this.#o.log("could not read back changes; will try again", { error: String(error) });
    }
  }
}
