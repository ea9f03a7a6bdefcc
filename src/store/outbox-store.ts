import type { Db } from "./database.js";

/** One delivery of one event to one subscription, retried until it succeeds or gives up. */
export interface DeliveryRecord {
  seq: number;
  id: string;
  subscription_id: number;
  event_id: string;
  issue_number: number;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  redelivery_of: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface AttemptRecord {
  attempt: number;
  status: number | null;
  error: string | null;
  duration_ms: number;
  at: string;
}

export interface EventRecord {
  id: string;
  event: string;
  issue_number: number;
  body: string;
}

/**
 * The durable outbox of DESIGN §6: inbound GitHub deliveries seen, the relay's last view of each
 * task, events, deliveries and their attempts. Writes that belong together run in `transaction`.
 */
export class SqliteOutboxStore {
  readonly #db: Db;
  readonly #statements;

  constructor(db: Db) {
    this.#db = db;
    this.#statements = {
      markInbound: db.prepare(
        "INSERT OR IGNORE INTO inbound_deliveries (delivery_id, event, received_at) VALUES (?, ?, ?)",
      ),
      snapshot: db.prepare("SELECT updated_at, task FROM task_snapshots WHERE issue_number = ?"),
      saveSnapshot: db.prepare(
        "INSERT INTO task_snapshots (issue_number, updated_at, task) VALUES (?, ?, ?) ON CONFLICT(issue_number) DO UPDATE SET updated_at = excluded.updated_at, task = excluded.task",
      ),
      insertEvent: db.prepare(
        "INSERT INTO events (id, event, issue_number, body, created_at) VALUES (?, ?, ?, ?, ?)",
      ),
      enqueue: db.prepare(
        `INSERT INTO outbox (id, subscription_id, event_id, issue_number, state, next_attempt_at, redelivery_of, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
      ),
      // Head of line only: per subscription and task, the oldest pending delivery goes first.
      due: db.prepare(
        `SELECT o.*, e.event, e.body FROM outbox o
           JOIN webhook_subscriptions s ON s.id = o.subscription_id AND s.active = 1
           JOIN events e ON e.id = o.event_id
         WHERE o.state = 'pending' AND o.next_attempt_at <= ?
           AND o.seq = (SELECT MIN(p.seq) FROM outbox p
                        WHERE p.subscription_id = o.subscription_id AND p.issue_number = o.issue_number
                          AND p.state = 'pending')
         ORDER BY o.next_attempt_at, o.seq LIMIT ?`,
      ),
      // Cheap on purpose (an index range, no per-row subquery): a row queued behind another may
      // wake the worker early, which costs one empty look.
      nextDue: db.prepare(
        "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending' AND next_attempt_at > ?",
      ),
      delivered: db.prepare(
        "UPDATE outbox SET state = 'delivered', attempts = ?, last_status = ?, last_error = NULL, delivered_at = ? WHERE id = ?",
      ),
      retry: db.prepare(
        "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ? WHERE id = ?",
      ),
      failed: db.prepare(
        "UPDATE outbox SET state = 'failed', attempts = ?, last_status = ?, last_error = ? WHERE id = ?",
      ),
      logAttempt: db.prepare(
        "INSERT INTO delivery_attempts (delivery_id, attempt, status, error, duration_ms, at) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      get: db.prepare("SELECT * FROM outbox WHERE id = ?"),
      event: db.prepare("SELECT id, event, issue_number, body FROM events WHERE id = ?"),
      list: db.prepare("SELECT * FROM outbox WHERE subscription_id = ? ORDER BY seq DESC LIMIT ?"),
      attempts: db.prepare(
        "SELECT attempt, status, error, duration_ms, at FROM delivery_attempts WHERE delivery_id = ? ORDER BY id",
      ),
      counts: db.prepare("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state"),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  /** Records a GitHub delivery id; false if it was seen before (GitHub redelivered it). */
  markInbound(deliveryId: string, event: string, at: string): boolean {
    return this.#statements.markInbound.run(deliveryId, event, at).changes === 1;
  }

  snapshot(issueNumber: number): { updated_at: string; task: string } | undefined {
    return this.#statements.snapshot.get(issueNumber) as
      { updated_at: string; task: string } | undefined;
  }

  saveSnapshot(issueNumber: number, updatedAt: string, task: string): void {
    this.#statements.saveSnapshot.run(issueNumber, updatedAt, task);
  }

  insertEvent(event: EventRecord, at: string): void {
    this.#statements.insertEvent.run(event.id, event.event, event.issue_number, event.body, at);
  }

  enqueue(
    delivery: {
      id: string;
      subscription_id: number;
      event_id: string;
      issue_number: number;
      redelivery_of?: string;
    },
    nowMs: number,
    at: string,
  ): void {
    this.#statements.enqueue.run(
      delivery.id,
      delivery.subscription_id,
      delivery.event_id,
      delivery.issue_number,
      nowMs,
      delivery.redelivery_of ?? null,
      at,
    );
  }

  due(nowMs: number, limit: number): (DeliveryRecord & { event: string; body: string })[] {
    return this.#statements.due.all(nowMs, limit) as (DeliveryRecord & {
      event: string;
      body: string;
    })[];
  }

  /**
   * A delivery `due` returned that the worker did not start (no free slot). Nothing to undo on
   * SQLite (one process); on PostgreSQL `due` leased it to this replica, and this hands it back.
   */
  release(_delivery: DeliveryRecord, _nowMs: number): void {}

  /** The earliest retry time still in the future, if any. */
  nextDueAfter(nowMs: number): number | undefined {
    return (this.#statements.nextDue.pluck().get(nowMs) as number | null) ?? undefined;
  }

  markDelivered(id: string, attempts: number, status: number, at: string): void {
    this.#statements.delivered.run(attempts, status, at, id);
  }

  markRetry(
    id: string,
    attempts: number,
    nextMs: number,
    status: number | null,
    error: string,
  ): void {
    this.#statements.retry.run(attempts, nextMs, status, error, id);
  }

  markFailed(id: string, attempts: number, status: number | null, error: string): void {
    this.#statements.failed.run(attempts, status, error, id);
  }

  logAttempt(deliveryId: string, attempt: AttemptRecord): void {
    this.#statements.logAttempt.run(
      deliveryId,
      attempt.attempt,
      attempt.status,
      attempt.error,
      attempt.duration_ms,
      attempt.at,
    );
  }

  get(id: string): DeliveryRecord | undefined {
    return this.#statements.get.get(id) as DeliveryRecord | undefined;
  }

  event(id: string): EventRecord | undefined {
    return this.#statements.event.get(id) as EventRecord | undefined;
  }

  list(subscriptionId: number, limit: number): DeliveryRecord[] {
    return this.#statements.list.all(subscriptionId, limit) as DeliveryRecord[];
  }

  attempts(deliveryId: string): AttemptRecord[] {
    return this.#statements.attempts.all(deliveryId) as AttemptRecord[];
  }

  counts(): Record<string, number> {
    const rows = this.#statements.counts.all() as { state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  /** Forgets finished deliveries and seen GitHub delivery ids older than `before`. */
  purgeOlderThan(before: string): void {
    this.transaction(() => {
      this.#db
        .prepare("DELETE FROM outbox WHERE state <> 'pending' AND created_at < ?")
        .run(before);
      this.#db
        .prepare(
          "DELETE FROM events WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = events.id)",
        )
        .run(before);
      this.#db.prepare("DELETE FROM inbound_deliveries WHERE received_at < ?").run(before);
    });
  }
}
