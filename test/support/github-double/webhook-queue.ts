// Delivers webhooks like GitHub does to an App: signed, strictly FIFO, one at a time,
// a single attempt each, the answer recorded. Every attempt is kept, failed ones included
// (GitHub keeps them for the App's `/app/hook/deliveries` API and never retries on its own).
import { AsyncLocalStorage } from "node:async_hooks";
import { createHmac, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { WebhookDelivery } from "./types.ts";

export interface OutgoingWebhook {
  event: string;
  action?: string;
  payload: Record<string, unknown>;
}

export interface WebhookQueueOptions {
  url: string | undefined;
  secret: string | undefined;
  appId: number;
  hookId: number;
  installationId: number;
  repositoryId: number;
  timeoutMs?: number;
}

export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** GitHub's `status` text for an attempt's outcome. */
function statusText(status: number | "error"): string {
  if (status === "error") return "failed to connect";
  return status >= 200 && status < 300 ? "OK" : `Invalid HTTP Response: ${status}`;
}

export class WebhookQueue {
  /** Every attempt, oldest first (redeliveries are attempts of their own, sharing the guid). */
  readonly deliveries: WebhookDelivery[] = [];
  private readonly pending: { delivery: WebhookDelivery; url: string }[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  /** Events raised while an API request runs wait for its answer, as GitHub's queued deliveries do. */
  private readonly answering = new AsyncLocalStorage<OutgoingWebhook[]>();
  private heldRequests = 0;
  private nextDeliveryId = 1;
  url: string | undefined;

  constructor(private readonly options: WebhookQueueOptions) {
    this.url = options.url;
  }

  /**
   * Runs an API request; the webhooks it raises are sent once its answer has been written
   * (GitHub never delivers a change's webhook before the API call that made it has answered).
   */
  during<T>(res: ServerResponse, handle: () => T): T {
    const held: OutgoingWebhook[] = [];
    this.heldRequests++;
    res.once("close", () => {
      this.heldRequests--;
      this.answering.exit(() => held.forEach((webhook) => this.enqueue(webhook)));
      if (!this.running) this.settle();
    });
    return this.answering.run(held, handle);
  }

  enqueue(webhook: OutgoingWebhook): void {
    // No URL means the App has no webhook configured: nothing is sent or recorded.
    if (!this.url) return;
    const held = this.answering.getStore();
    if (held) return void held.push(webhook);
    this.push(
      { id: randomUUID(), event: webhook.event, payload: webhook.payload },
      webhook.action,
      false,
    );
  }

  /** One recorded attempt by its numeric id, as `/app/hook/deliveries/{id}` finds it. */
  find(deliveryId: number): WebhookDelivery | undefined {
    return this.deliveries.find((d) => d.deliveryId === deliveryId);
  }

  /** `POST /app/hook/deliveries/{id}/attempts`: sends the same event again, same guid. */
  redeliver(original: WebhookDelivery): boolean {
    if (!this.url) return false;
    this.push(
      { id: original.id, event: original.event, payload: original.payload },
      original.action,
      true,
    );
    return true;
  }

  whenIdle(): Promise<void> {
    if (!this.running && this.pending.length === 0 && this.heldRequests === 0)
      return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private push(
    base: Pick<WebhookDelivery, "id" | "event" | "payload">,
    action: string | undefined,
    redelivery: boolean,
  ): void {
    const delivery: WebhookDelivery = {
      ...base,
      deliveryId: this.nextDeliveryId++,
      status: "error",
      statusText: statusText("error"),
      redelivery,
      deliveredAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      duration: 0,
      installationId: this.options.installationId,
      repositoryId: this.options.repositoryId,
      requestHeaders: {},
      responseBody: null,
    };
    if (action !== undefined) delivery.action = action;
    this.pending.push({ delivery, url: this.url ?? "" });
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    for (let next = this.pending.shift(); next; next = this.pending.shift()) {
      const started = Date.now();
      next.delivery.deliveredAt = new Date(started).toISOString().replace(/\.\d+Z$/, "Z");
      await this.send(next.delivery, next.url);
      next.delivery.statusText = statusText(next.delivery.status);
      next.delivery.duration = (Date.now() - started) / 1000;
      this.deliveries.push(next.delivery);
    }
    this.running = false;
    this.settle();
  }

  private settle(): void {
    if (this.heldRequests > 0 || this.pending.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async send(delivery: WebhookDelivery, url: string): Promise<void> {
    const body = JSON.stringify(delivery.payload);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/double",
      "x-github-event": delivery.event,
      "x-github-delivery": delivery.id,
      "x-github-hook-id": String(this.options.hookId),
      "x-github-hook-installation-target-type": "integration",
      "x-github-hook-installation-target-id": String(this.options.appId),
    };
    if (this.options.secret !== undefined)
      headers["x-hub-signature-256"] = signPayload(this.options.secret, body);
    delivery.requestHeaders = headers;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      delivery.responseBody = await response.text();
      delivery.status = response.status;
    } catch {
      delivery.status = "error";
    }
  }
}
