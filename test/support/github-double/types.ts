// Public types of the GitHub API double (tests and the CLI depend on these names).
import type { DoubleState } from "./state.ts";

export interface GitHubDoubleOptions {
  port?: number;
  repo: string;
  webhookUrl?: string;
  webhookSecret?: string;
  appId?: number;
  appSlug?: string;
  installationId?: number;
  collaborators?: string[];
  latencyMs?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  route: string;
  status: number;
  rateLimited: boolean;
  /** Who asked: `app` (the installation), `jwt` (the App itself) or a person's login. */
  actor?: string;
  graphqlOperation?: string;
  /** For GraphQL: true when the operation is a mutation (a write). */
  graphqlMutation?: boolean;
  /** What a write (any method but GET) sent, parsed, for snapshots of request bodies. */
  body?: unknown;
  at: number;
}

export interface Fault {
  method?: string;
  route?: string;
  kind: "status" | "secondary_rate_limit" | "latency";
  status?: number;
  retryAfter?: number;
  latencyMs?: number;
  times?: number;
  when?: "before" | "after";
}

/** One delivery attempt, as GitHub's `/app/hook/deliveries` API describes it. */
export interface WebhookDelivery {
  /** The event's guid (`X-GitHub-Delivery`), shared by its redeliveries. */
  id: string;
  /** The attempt's own numeric id (`/app/hook/deliveries/{delivery_id}`). */
  deliveryId: number;
  event: string;
  action?: string;
  /** The App's HTTP status, or "error" when it could not be reached (Baton down). */
  status: number | "error";
  statusText: string;
  redelivery: boolean;
  deliveredAt: string;
  /** Seconds. */
  duration: number;
  installationId: number;
  repositoryId: number;
  requestHeaders: Record<string, string>;
  responseBody: string | null;
  payload: unknown;
}

export interface GitHubDouble {
  url: string;
  host: string;
  port: number;
  requests: RequestLogEntry[];
  resetRequests(): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  setWebhookUrl(url: string | undefined): void;
  webhookDeliveries: WebhookDelivery[];
  waitForWebhooksIdle(): Promise<void>;
  state: DoubleState;
  close(): Promise<void>;
}

/** A JSON value as produced by JSON.parse. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
