import type { DeliveryRecord, SqliteOutboxStore } from "../store/outbox-store.js";
import type { SqliteSubscriptionStore, SubscriptionRecord } from "../store/subscription-store.js";
import { retryDelay, type RetryPolicy } from "./backoff.js";
import type { SendResult } from "./http-sender.js";
import { signDelivery } from "./signing.js";

export interface WorkerOptions {
  outbox: SqliteOutboxStore;
  subscriptions: SqliteSubscriptionStore;
  sender: { send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> };
  policy: RetryPolicy;
  /** Consecutive failed deliveries (each out of retries) that disable a subscription. */
  disableAfter: number;
  /** Deliveries in flight at once, across subscriptions. */
  concurrency: number;
  log?: (message: string, details?: Record<string, unknown>) => void;
  now?: () => Date;
  /**
   * Also look every `pollMs` (several replicas on one database): another replica's deliveries,
   * left due when it died, wake nobody here otherwise.
   */
  pollMs?: number;
}

type DueDelivery = DeliveryRecord & { event: string; body: string };

/**
 * Sends the outbox, in process. At-least-once: a delivery is marked done only after a 2xx, so a
 * crash before that sends it again on restart. Per subscription and task, one delivery is in
 * flight at a time and the oldest goes first, so each receiver sees a task's events in order.
 */
export class DeliveryWorker {
  readonly #o: WorkerOptions;
  readonly #now: () => Date;
  readonly #inFlight = new Set<string>();
  #scheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(options: WorkerOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  start(): void {
    this.#stopped = false;
    this.wake();
    if (this.#o.pollMs) this.#poll ??= setInterval(() => this.wake(), this.#o.pollMs).unref();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#poll);
    this.#poll = undefined;
  }

  /** Something was enqueued or finished: look for due deliveries soon (coalesced). */
  wake(): void {
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  /** Sends one delivery now, outside the queue's order (`POST /webhooks/{id}/test`). */
  async sendNow(deliveryId: string): Promise<DeliveryRecord | undefined> {
    const delivery = this.#o.outbox.get(deliveryId);
    const event = delivery && this.#o.outbox.event(delivery.event_id);
    const sub = delivery && this.#o.subscriptions.get(delivery.subscription_id);
    if (!delivery || !event || !sub) return undefined;
    const result = await this.#send(sub, { ...delivery, event: event.event, body: event.body });
    this.#settle(sub, delivery, result, true);
    return this.#o.outbox.get(deliveryId);
  }

  #pump(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    // One clock reading for both queries: a retry falling due between two readings would be
    // neither sent now nor timed for later, and would wait for the next unrelated wake.
    const now = this.#now().getTime();
    const free = this.#o.concurrency - this.#inFlight.size;
    if (free > 0) {
      for (const row of this.#o.outbox.due(now, free + this.#inFlight.size)) {
        const key = `${row.subscription_id}:${row.issue_number}`;
        if (this.#inFlight.size >= this.#o.concurrency || this.#inFlight.has(key)) {
          // Not started: on PostgreSQL `due` leased it to this replica, so hand it back.
          this.#o.outbox.release(row, now);
          continue;
        }
        this.#inFlight.add(key);
        void this.#deliver(row).finally(() => {
          this.#inFlight.delete(key);
          this.wake();
        });
      }
    }
    // A retry falling due later. Deliveries due now but not started (slots busy, or queued behind
    // one in flight) are started when a delivery finishes, which wakes the worker.
    const next = this.#o.outbox.nextDueAfter(now);
    if (next !== undefined)
      this.#timer = setTimeout(() => this.wake(), Math.min(next - now, 60_000)).unref();
  }

  async #deliver(row: DueDelivery): Promise<void> {
    const sub = this.#o.subscriptions.get(row.subscription_id);
    if (!sub?.active) return;
    try {
      const result = await this.#send(sub, row);
      this.#settle(sub, row, result, false);
    } catch (error) {
      this.#o.log?.("delivery failed unexpectedly", { delivery: row.id, error: String(error) });
    }
  }

  #send(sub: SubscriptionRecord, row: DueDelivery): Promise<SendResult> {
    const at = this.#now();
    const grace =
      sub.previous_secret &&
      sub.previous_secret_expires_at &&
      Date.parse(sub.previous_secret_expires_at) > at.getTime();
    const headers = signDelivery({
      deliveryId: row.id,
      event: row.event,
      body: row.body,
      secrets: grace ? [sub.secret, sub.previous_secret!] : [sub.secret],
      at,
    });
    return this.#o.sender.send(sub.url, headers, row.body);
  }

  /** Records the attempt and decides: done, retry later, give up, or disable the subscription. */
  #settle(sub: SubscriptionRecord, row: DeliveryRecord, result: SendResult, once: boolean): void {
    const { outbox, subscriptions } = this.#o;
    const now = this.#now();
    const at = now.toISOString();
    const attempts = row.attempts + 1;
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const error = result.error ?? (ok ? null : "no answer");
    outbox.transaction(() => {
      outbox.logAttempt(row.id, {
        attempt: attempts,
        status: result.status,
        error,
        duration_ms: result.durationMs,
        at,
      });
      if (ok) {
        outbox.markDelivered(row.id, attempts, result.status!, at);
        subscriptions.resetFailures(sub.id);
        return;
      }
      if (result.status === 410) {
        const reason = `the receiver answered 410 Gone to delivery ${row.id}; subscription disabled`;
        outbox.markFailed(row.id, attempts, 410, reason);
        subscriptions.update(sub.id, { active: false, disabled_reason: reason }, at);
        this.#o.log?.("webhook subscription disabled", { subscription: sub.id, reason });
        return;
      }
      const delay = once ? undefined : retryDelay(attempts, this.#o.policy);
      if (delay !== undefined) {
        outbox.markRetry(row.id, attempts, now.getTime() + delay, result.status, error!);
        return;
      }
      if (once) {
        outbox.markFailed(row.id, attempts, result.status, error!);
        return;
      }
      const streak = subscriptions.addFailure(sub.id);
      let reason = `gave up after ${attempts} attempts: ${error}`;
      if (streak >= this.#o.disableAfter) {
        const why = `disabled after ${streak} consecutive failed deliveries (last: ${error})`;
        reason = `${reason}; subscription ${why}`;
        subscriptions.update(sub.id, { active: false, disabled_reason: why }, at);
        this.#o.log?.("webhook subscription disabled", { subscription: sub.id, reason: why });
      }
      outbox.markFailed(row.id, attempts, result.status, reason);
    });
  }
}
