// Everything an operation needs: the state, URL builders, people and the webhook sink.
import type { People, Actor } from "./people.ts";
import type { DoubleState } from "./state.ts";
import type { Urls } from "./urls.ts";
import type { WebhookQueue } from "./webhook-queue.ts";

export interface AppConfig {
  appId: number;
  appSlug: string;
  installationId: number;
  createdAt: string;
}

export interface WebhookEvent {
  event: string;
  action?: string;
  /** Event-specific fields; repository, sender and installation are added by the sink. */
  payload: Record<string, unknown>;
  actor: Actor;
}

export interface DoubleContext {
  state: DoubleState;
  urls: Urls;
  people: People;
  app: AppConfig;
  emit(event: WebhookEvent): void;
  /** Every delivery attempt, for the App's `/app/hook/deliveries` API. */
  webhooks: WebhookQueue;
}
