import { randomUUID } from "node:crypto";
import type { Caller } from "../tasks/access.js";
import { errors } from "../errors.js";
import type { DeliveryRecord, SqliteOutboxStore } from "../store/outbox-store.js";
import type { SqliteSubscriptionStore, SubscriptionRecord } from "../store/subscription-store.js";
import type { ProjectService } from "../services/project-service.js";
import type { DeliveryWorker } from "./delivery-worker.js";
import { TEST_EVENT, type TaskEvent } from "./event-schema.js";
import { generateSecret } from "./signing.js";
import type { Delivery, Webhook, WebhookCreate, WebhookUpdate } from "./subscription-schema.js";

export interface SubscriptionServiceOptions {
  subscriptions: SqliteSubscriptionStore;
  outbox: SqliteOutboxStore;
  projects: Pick<ProjectService, "resolve">;
  worker: Pick<DeliveryWorker, "sendNow" | "wake">;
  /** The SSRF check (resolving the host): the reason a URL is refused, if it is. */
  checkUrl: (url: string) => Promise<{ ok: true } | { ok: false; reason: string }>;
  now?: () => Date;
}

const DEFAULT_GRACE_S = 24 * 3600;

export function toWebhook(record: SubscriptionRecord, secret?: string): Webhook {
  return {
    id: record.id,
    url: record.url,
    events: record.events,
    active: record.active,
    project_id: record.project_id,
    agent_id: record.agent_id,
    owner_agent_id: record.owner_agent_id,
    disabled_reason: record.disabled_reason,
    consecutive_failures: record.consecutive_failures,
    secret_prefix: `${record.secret.slice(0, 10)}…`,
    previous_secret_expires_at: record.previous_secret_expires_at,
    created_at: record.created_at,
    updated_at: record.updated_at,
    ...(secret ? { secret } : {}),
  };
}

/**
 * Webhook subscriptions: admins manage all, other agents their own (others' answer 404). A
 * subscription's secret is generated here and shown once (create, rotate-secret).
 */
export class SubscriptionService {
  readonly #o: SubscriptionServiceOptions;
  readonly #now: () => Date;

  constructor(options: SubscriptionServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  list(caller: Caller): Webhook[] {
    const records = this.#o.subscriptions.list(caller.role === "admin" ? undefined : caller.id);
    return records.map((r) => toWebhook(r));
  }

  get(caller: Caller, id: number): Webhook {
    return toWebhook(this.#require(caller, id));
  }

  async create(caller: Caller, input: WebhookCreate): Promise<Webhook> {
    await this.#checkUrl(input.url);
    const secret = generateSecret();
    const record = this.#o.subscriptions.insert(
      {
        owner_agent_id: caller.id,
        url: input.url,
        events: normaliseEvents(input.events),
        project_id: await this.#projectId(input.project_id),
        agent_id: input.agent_id ?? null,
        secret,
        active: input.active ?? true,
      },
      this.#at(),
    );
    return toWebhook(record, secret);
  }

  async update(caller: Caller, id: number, input: WebhookUpdate): Promise<Webhook> {
    this.#require(caller, id);
    if (input.url !== undefined) await this.#checkUrl(input.url);
    const reactivated = input.active === true;
    // undefined leaves a column as it is; null clears it.
    const record = this.#o.subscriptions.update(
      id,
      {
        url: input.url,
        events: input.events ? normaliseEvents(input.events) : undefined,
        project_id:
          input.project_id === undefined ? undefined : await this.#projectId(input.project_id),
        agent_id: input.agent_id,
        active: input.active,
        ...(reactivated ? { disabled_reason: null, consecutive_failures: 0 } : {}),
      },
      this.#at(),
    )!;
    if (reactivated) this.#o.worker.wake();
    return toWebhook(record);
  }

  remove(caller: Caller, id: number): void {
    this.#require(caller, id);
    this.#o.subscriptions.remove(id);
  }

  /** A new secret; the old one keeps signing too for `graceSeconds` (default 24 h). */
  rotateSecret(caller: Caller, id: number, graceSeconds = DEFAULT_GRACE_S): Webhook {
    const current = this.#require(caller, id);
    const secret = generateSecret();
    const now = this.#now();
    const record = this.#o.subscriptions.update(
      id,
      {
        secret,
        previous_secret: current.secret,
        previous_secret_expires_at: new Date(now.getTime() + graceSeconds * 1000).toISOString(),
      },
      now.toISOString(),
    )!;
    return toWebhook(record, secret);
  }

  deliveries(caller: Caller, id: number, limit: number): Delivery[] {
    this.#require(caller, id);
    return this.#o.outbox.list(id, limit).map((d) => this.#toDelivery(d));
  }

  /** Queues the delivery's event again, as a new delivery (new id) at the end of the task's line. */
  redeliver(caller: Caller, id: number, deliveryId: string): Delivery {
    this.#require(caller, id);
    const original = this.#o.outbox.get(deliveryId);
    if (!original || original.subscription_id !== id)
      throw errors.notFound("delivery_not_found", `No delivery ${deliveryId} for webhook ${id}`);
    const copy = `dlv_${randomUUID()}`;
    const now = this.#now();
    this.#o.outbox.enqueue(
      {
        id: copy,
        subscription_id: id,
        event_id: original.event_id,
        issue_number: original.issue_number,
        redelivery_of: original.id,
      },
      now.getTime(),
      now.toISOString(),
    );
    this.#o.worker.wake();
    return this.#toDelivery(this.#o.outbox.get(copy)!);
  }

  /** Sends a `webhook.test` event now and answers with the outcome (it is not retried). */
  async test(caller: Caller, id: number): Promise<Delivery> {
    const sub = this.#require(caller, id);
    const now = this.#now();
    const event: TaskEvent = {
      id: `evt_${randomUUID()}`,
      event: TEST_EVENT,
      timestamp: now.toISOString(),
      task: null,
      agent: null,
      actor: null,
    };
    const deliveryId = `dlv_${randomUUID()}`;
    this.#o.outbox.transaction(() => {
      this.#o.outbox.insertEvent(
        { id: event.id, event: event.event, issue_number: 0, body: JSON.stringify(event) },
        now.toISOString(),
      );
      // Never due for the worker: sent right here, once.
      this.#o.outbox.enqueue(
        { id: deliveryId, subscription_id: sub.id, event_id: event.id, issue_number: -1 },
        Number.MAX_SAFE_INTEGER,
        now.toISOString(),
      );
    });
    const sent = await this.#o.worker.sendNow(deliveryId);
    return this.#toDelivery(sent ?? this.#o.outbox.get(deliveryId)!);
  }

  #require(caller: Caller, id: number): SubscriptionRecord {
    const record = this.#o.subscriptions.get(id);
    if (!record || (caller.role !== "admin" && record.owner_agent_id !== caller.id))
      throw errors.notFound("webhook_not_found", `No webhook ${id}`);
    return record;
  }

  async #checkUrl(url: string): Promise<void> {
    const verdict = await this.#o.checkUrl(url);
    if (!verdict.ok)
      throw errors.unprocessable("webhook_url_refused", `Refused webhook URL: ${verdict.reason}`, {
        field: "url",
      });
  }

  async #projectId(ref: number | string | null | undefined): Promise<number | null> {
    if (ref === undefined || ref === null) return null;
    return (await this.#o.projects.resolve(ref)).id;
  }

  #toDelivery(d: DeliveryRecord): Delivery {
    const event = this.#o.outbox.event(d.event_id);
    return {
      id: d.id,
      webhook_id: d.subscription_id,
      event_id: d.event_id,
      event: event?.event ?? "unknown",
      task_id: d.issue_number > 0 ? d.issue_number : null,
      state: d.state,
      attempts: d.attempts,
      last_status: d.last_status,
      last_error: d.last_error,
      next_attempt_at:
        d.state === "pending" && d.next_attempt_at < Number.MAX_SAFE_INTEGER
          ? new Date(d.next_attempt_at).toISOString()
          : null,
      created_at: d.created_at,
      delivered_at: d.delivered_at,
      redelivery_of: d.redelivery_of,
      log: this.#o.outbox.attempts(d.id),
    };
  }

  #at(): string {
    return this.#now().toISOString();
  }
}

function normaliseEvents(events: string[] | undefined): string[] {
  if (!events || events.includes("*")) return ["*"];
  return [...new Set(events)];
}
