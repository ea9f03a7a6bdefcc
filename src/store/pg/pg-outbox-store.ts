import { SqliteOutboxStore, type DeliveryRecord } from "../outbox-store.js";
import type { PgDatabase } from "./pg-database.js";
import { lockKey } from "./pg-locks.js";

type Due = DeliveryRecord & { event: string; body: string };

// The head of each (subscription, task) line that is due, locked and leased in one statement:
// SKIP LOCKED lets replicas pick at once without waiting on each other, and the lease (the row's
// next attempt pushed past the send's deadline) keeps the line to the replica that took it until
// it settles, so a task's events still go out one at a time, in order.
const CLAIM_DUE = `
  WITH picked AS (
    SELECT o.seq FROM outbox o
      JOIN webhook_subscriptions s ON s.id = o.subscription_id AND s.active = 1
    WHERE o.state = 'pending' AND o.next_attempt_at <= $1
      AND o.seq = (SELECT MIN(p.seq) FROM outbox p
                   WHERE p.subscription_id = o.subscription_id AND p.issue_number = o.issue_number
                     AND p.state = 'pending')
    ORDER BY o.next_attempt_at, o.seq
    LIMIT $2
    FOR UPDATE OF o SKIP LOCKED
  ), leased AS (
    UPDATE outbox SET next_attempt_at = $3 FROM picked WHERE outbox.seq = picked.seq
    RETURNING outbox.*
  )
  SELECT l.*, e.event, e.body FROM leased l JOIN events e ON e.id = l.event_id ORDER BY l.seq`;

/**
 * The outbox on PostgreSQL, shared by every replica: each due delivery is taken by one replica
 * (`FOR UPDATE SKIP LOCKED`, then leased), and the relay's view of a task is read under the
 * task's transaction lock, so two replicas handling webhooks of one issue at once turn them into
 * one event, in order, not two.
 */
export class PgOutboxStore extends SqliteOutboxStore {
  constructor(
    private readonly pg: PgDatabase,
    /** How long a taken delivery stays with its replica (longer than a send's deadline). */
    private readonly leaseMs = 60_000,
  ) {
    super(pg);
  }

  override due(nowMs: number, limit: number): Due[] {
    return this.pg.query(CLAIM_DUE, [nowMs, limit, nowMs + this.leaseMs]).rows as unknown as Due[];
  }

  /** A delivery taken by `due` but not started: due again at once, for any replica. */
  override release(delivery: DeliveryRecord, nowMs: number): void {
    this.pg.query(
      "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND state = 'pending' AND next_attempt_at > $1",
      [nowMs, delivery.id],
    );
  }

  override snapshot(issueNumber: number): { updated_at: string; task: string } | undefined {
    if (this.pg.inTransaction)
      this.pg.query("SELECT pg_advisory_xact_lock($1::bigint)", [
        lockKey(this.pg.schema, `relay:${issueNumber}`),
      ]);
    return super.snapshot(issueNumber);
  }
}
