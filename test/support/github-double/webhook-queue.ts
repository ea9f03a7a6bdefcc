// Delivers webhooks like GitHub does to an App: signed, strictly FIFO, one at a time,
// a single attempt each, the answer recorded.
import { createHmac, randomUUID } from "node:crypto";
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
  timeoutMs?: number;
}

export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export class WebhookQueue {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly pending: { delivery: WebhookDelivery; url: string }[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  url: string | undefined;

  constructor(private readonly options: WebhookQueueOptions) {
    this.url = options.url;
  }

  enqueue(webhook: OutgoingWebhook): void {
    // No URL means the App has no webhook configured: nothing is sent or recorded.
    if (!this.url) return;
    const delivery: WebhookDelivery = {
      id: randomUUID(),
      event: webhook.event,
      status: "error",
      payload: webhook.payload,
    };
    if (webhook.action !== undefined) delivery.action = webhook.action;
    this.pending.push({ delivery, url: this.url });
    if (!this.running) void this.drain();
  }

  whenIdle(): Promise<void> {
    if (!this.running && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.running = true;
    for (let next = this.pending.shift(); next; next = this.pending.shift()) {
      next.delivery.status = await this.send(next.delivery, next.url);
      this.deliveries.push(next.delivery);
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async send(delivery: WebhookDelivery, url: string): Promise<number | "error"> {
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
    try {
      const response = await fetch(url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return "error";
    }
  }
}
