import { z } from "zod";
import {
  AgentSchema,
  type Agent,
  type AgentCreate,
  type AgentUpdate,
} from "../agents/agent-schema.js";
import {
  ProjectSchema,
  type Project,
  type ProjectCreateSchema,
  type ProjectUpdateSchema,
} from "../tasks/project.js";
import {
  ClaimedSchema,
  HeartbeatRequestSchema,
  QueueClaimRequestSchema,
  ReleaseRequestSchema,
  StateRequestSchema,
} from "../tasks/claim-schema.js";
import { FleetAttentionSchema, type FleetAttention } from "../tasks/fleet-attention.js";
import type { TaskFilters } from "../tasks/task-filters.js";
import { TaskLinkSchema, type LinkCreateSchema, type TaskLink } from "../tasks/task-links.js";
import {
  CommentSchema,
  ContextResponseSchema,
  TaskSchema,
  type Comment,
  type Task,
  type TaskCreateSchema,
  type TaskUpdateSchema,
} from "../tasks/task-schema.js";
import { StatsAnswerSchema, type Stats } from "../tasks/task-stats.js";
import { resolveConfig, serverRoot, type ResolveOptions } from "./config.js";
import {
  DedupResultSchema,
  DeliverySchema,
  HistoryEntrySchema,
  TaskChainSchema,
  WebhookSchema,
  type DedupRequest,
  type DedupResult,
  type Delivery,
  type HistoryEntry,
  type TaskChain,
  type Webhook,
  type WebhookCreate,
  type WebhookUpdate,
} from "./server-schemas.js";
import { Transport, type TransportOptions } from "./transport.js";

export type TaskCreateInput = z.input<typeof TaskCreateSchema>;
export type TaskUpdateInput = z.input<typeof TaskUpdateSchema>;
export type ProjectCreateInput = z.input<typeof ProjectCreateSchema>;
export type ProjectUpdateInput = z.input<typeof ProjectUpdateSchema>;
/** `GET /tasks` filters; `limit` and `page` page through the answer (Link header). */
export type TaskListFilters = Partial<
  Omit<TaskFilters, "completed" | "include_completed" | "project_id" | "labels">
> & {
  completed?: boolean;
  include_completed?: boolean;
  project_id?: number | string;
};
export type TaskId = number | string;
/** `GET /tasks/{id}/history` pages (oldest first, 50 a page unless `limit`). */
export type TaskHistoryQuery = { limit?: number; page?: number };
export type Claimed = z.infer<typeof ClaimedSchema>;
/** `{kind, repo?, ref, url?}`: kind is branch, commit, pr or url. */
export type TaskLinkInput = z.input<typeof LinkCreateSchema>;
export type ContextInfo = z.infer<typeof ContextResponseSchema>;
export type Health = z.infer<typeof HealthSchema>;

const OkSchema = z.looseObject({ ok: z.literal(true) });
const HealthSchema = z.looseObject({ status: z.string(), version: z.string().optional() });

export type BatonClientOptions = TransportOptions;

const id = (value: TaskId | string) => encodeURIComponent(String(value));
/** A task id as agents write it ("12", "#12", 12), as a number. */
const taskNumber = (value: TaskId) => Number(String(value).replace(/^#/, ""));

/**
 * A typed client for every route of Baton's REST API (and so Delega's). Answers are validated with
 * the server's own zod schemas; failures throw BatonApiError {status, code, retryAfter}.
 *
 *   const baton = BatonClient.fromEnv();
 *   const task = await baton.tasks.create({ content: "Deploy staging build", priority: 2 });
 */
export class BatonClient {
  readonly #http: Transport;

  constructor(options: BatonClientOptions) {
    this.#http = new Transport(options);
  }

  /** Reads BATON_URL / BATON_AGENT_KEY (or Delega's variables); see resolveConfig. */
  static fromEnv(
    options: ResolveOptions & Omit<BatonClientOptions, "baseUrl" | "agentKey"> = {},
  ): BatonClient {
    const config = resolveConfig(options);
    return new BatonClient({ ...options, ...config });
  }

  get baseUrl(): string {
    return this.#http.baseUrl;
  }

  /** `GET /health` at the server root (no key needed). */
  health(): Promise<Health> {
    return this.#http.request("GET", `${serverRoot(this.baseUrl)}/health`, {
      schema: HealthSchema,
      absolute: true,
    });
  }

  /** The calling agent. */
  me(): Promise<Agent> {
    return this.#http.request("GET", "/agent/me", { schema: AgentSchema });
  }

  /** Counts over the tasks the caller may see. */
  stats(): Promise<Stats> {
    return this.#http.request("GET", "/stats", { schema: StatsAnswerSchema });
  }

  readonly tasks = {
    list: (filters: TaskListFilters = {}): Promise<Task[]> =>
      this.#http.request("GET", "/tasks", { query: filters, schema: z.array(TaskSchema) }),
    /** Every matching task, following the pages. */
    listAll: async (filters: Omit<TaskListFilters, "page"> = {}): Promise<Task[]> => {
      const limit = filters.limit ?? 100;
      const all: Task[] = [];
      for (let page = 1; ; page++) {
        const { data, headers } = await this.#http.exchange("GET", "/tasks", {
          query: { ...filters, limit, page },
          schema: z.array(TaskSchema),
        });
        all.push(...data);
        if (data.length < limit || !/rel="next"/.test(headers.get("link") ?? "")) return all;
      }
    },
    get: (taskId: TaskId): Promise<Task> =>
      this.#http.request("GET", `/tasks/${id(taskId)}`, { schema: TaskSchema }),
    /**
     * Creates a task. A likely duplicate answers 409 `duplicate_task` with `details.matches`;
     * pass `allow_duplicate: true` to create it anyway.
     */
    create: (task: TaskCreateInput, options: { idempotencyKey?: string } = {}): Promise<Task> =>
      this.#http.request("POST", "/tasks", { body: task, schema: TaskSchema, ...options }),
    update: (taskId: TaskId, changes: TaskUpdateInput): Promise<Task> =>
      this.#http.request("PATCH", `/tasks/${id(taskId)}`, { body: changes, schema: TaskSchema }),
    /** Hands the task to another agent, or takes it back from everyone with `null`. */
    assign: (taskId: TaskId, agentId: string | null): Promise<Task> =>
      this.#http.request("PATCH", `/tasks/${id(taskId)}`, {
        body: { assigned_to_agent_id: agentId },
        schema: TaskSchema,
      }),
    delete: (taskId: TaskId): Promise<{ ok: true }> =>
      this.#http.request("DELETE", `/tasks/${id(taskId)}`, { schema: OkSchema }),
    complete: (taskId: TaskId): Promise<Task> =>
      this.#http.request("POST", `/tasks/${id(taskId)}/complete`, { schema: TaskSchema }),
    uncomplete: (taskId: TaskId): Promise<Task> =>
      this.#http.request("POST", `/tasks/${id(taskId)}/uncomplete`, { schema: TaskSchema }),
    comments: (taskId: TaskId): Promise<Comment[]> =>
      this.#http.request("GET", `/tasks/${id(taskId)}/comments`, {
        schema: z.array(CommentSchema),
      }),
    comment: (taskId: TaskId, content: string): Promise<Comment> =>
      this.#http.request("POST", `/tasks/${id(taskId)}/comments`, {
        body: { content },
        schema: CommentSchema,
      }),
    context: (taskId: TaskId): Promise<ContextInfo> =>
      this.#http.request("GET", `/tasks/${id(taskId)}/context`, { schema: ContextResponseSchema }),
    /** Merges keys into the context (null deletes a key); with expectedVersion, 409 if stale. */
    updateContext: (
      taskId: TaskId,
      patch: Record<string, unknown>,
      options: { expectedVersion?: number } = {},
    ): Promise<ContextInfo> =>
      this.#http.request("PATCH", `/tasks/${id(taskId)}/context`, {
        body:
          options.expectedVersion === undefined
            ? { context: patch }
            : { context: patch, expected_version: options.expectedVersion },
        schema: ContextResponseSchema,
      }),
    /** Creates a child task (a sub-issue) under `taskId`; returns the child. */
    delegate: (taskId: TaskId, child: TaskCreateInput): Promise<Task> =>
      this.#http.request("POST", `/tasks/${id(taskId)}/delegate`, {
        body: child,
        schema: TaskSchema,
      }),
    /** The root and every descendant the caller may see, with counts. */
    chain: (taskId: TaskId): Promise<TaskChain> =>
      this.#http.request("GET", `/tasks/${id(taskId)}/chain`, { schema: TaskChainSchema }),
    children: (taskId: TaskId): Promise<Task[]> =>
      this.#http.request("GET", `/tasks/${id(taskId)}/children`, {
        schema: z.array(TaskSchema),
      }),
    /** Who changed the task, what and when (agents, people, apps), oldest first; one page. */
    history: (taskId: TaskId, query: TaskHistoryQuery = {}): Promise<HistoryEntry[]> =>
      this.#http.request("GET", `/tasks/${id(taskId)}/history`, {
        query,
        schema: z.array(HistoryEntrySchema),
      }),
    /** The whole history, following the pages. */
    historyAll: async (taskId: TaskId): Promise<HistoryEntry[]> => {
      const all: HistoryEntry[] = [];
      for (let page = 1; ; page++) {
        const { data, headers } = await this.#http.exchange("GET", `/tasks/${id(taskId)}/history`, {
          query: { limit: 100, page },
          schema: z.array(HistoryEntrySchema),
        });
        all.push(...data);
        if (!/rel="next"/.test(headers.get("link") ?? "")) return all;
      }
    },
    /** Branches, commits, pull requests and URLs linked to the task. */
    links: (taskId: TaskId): Promise<TaskLink[]> =>
      this.#http.request("GET", `/tasks/${id(taskId)}/links`, { schema: z.array(TaskLinkSchema) }),
    /** Links a branch, commit, pull request or URL; the same link twice is stored once. */
    link: (taskId: TaskId, link: TaskLinkInput): Promise<TaskLink> =>
      this.#http.request("POST", `/tasks/${id(taskId)}/links`, {
        body: link,
        schema: TaskLinkSchema,
      }),
    /**
     * Makes `taskId` wait for `blockerId` (GitHub's "blocked by"): it leaves the ready queue until
     * the blocker completes. 422 `dependency_cycle` when the blocker already waits for it.
     */
    addDependency: (taskId: TaskId, blockerId: TaskId): Promise<Task> =>
      this.#http.request("POST", `/tasks/${id(taskId)}/dependencies`, {
        body: { blocked_by: taskNumber(blockerId) },
        schema: TaskSchema,
      }),
    /** Stops `taskId` waiting for `blockerId`; answers the task. */
    removeDependency: async (taskId: TaskId, blockerId: TaskId): Promise<Task> =>
      (
        await this.#http.request(
          "DELETE",
          `/tasks/${id(taskId)}/dependencies/${taskNumber(blockerId)}`,
          {
            schema: z.object({ ok: z.literal(true), task: TaskSchema }),
          },
        )
      ).task,
    /** Asks whether a task like this exists, without creating one. */
    dedup: (request: DedupRequest): Promise<DedupResult> =>
      this.#http.request("POST", "/tasks/dedup", { body: request, schema: DedupResultSchema }),
  };

  /**
   * Claims with leases (docs/coordination.md). `claim_token` from a claim fences the holder's later
   * calls: pass it back to heartbeat, setState and release.
   */
  readonly claims = {
    /** Claims `taskId`; 409 `task_claimed` while another agent holds it. */
    claim: (taskId: TaskId, options: { lease_seconds?: number } = {}): Promise<Claimed> =>
      this.#http.request("POST", `/tasks/${id(taskId)}/claim`, {
        body: options,
        schema: ClaimedSchema,
      }),
    /** Claims the best ready task; `{task: null}` when there is none. */
    next: (query: z.input<typeof QueueClaimRequestSchema> = {}): Promise<Claimed> =>
      this.#http.request("POST", "/tasks/claim", { body: query, schema: ClaimedSchema }),
    heartbeat: (taskId: TaskId, body: z.input<typeof HeartbeatRequestSchema> = {}): Promise<Task> =>
      this.#http.request("POST", `/tasks/${id(taskId)}/heartbeat`, { body, schema: TaskSchema }),
    setState: (taskId: TaskId, body: z.input<typeof StateRequestSchema>): Promise<Task> =>
      this.#http.request("POST", `/tasks/${id(taskId)}/state`, { body, schema: TaskSchema }),
    release: (taskId: TaskId, body: z.input<typeof ReleaseRequestSchema> = {}): Promise<Task> =>
      this.#http.request("POST", `/tasks/${id(taskId)}/release`, { body, schema: TaskSchema }),
    /** Ready work for the caller, best first. */
    ready: (
      query: { project_id?: number | string; label?: string; limit?: number } = {},
    ): Promise<Task[]> =>
      this.#http.request("GET", "/tasks/ready", { query, schema: z.array(TaskSchema) }),
  };

  /** Triage across the fleet (docs/coordination.md), scoped like `stats`. */
  readonly fleet = {
    /** Abandoned claims, silent holders, errored, waiting_input, overdue and looping tasks. */
    attention: (options: { limit?: number } = {}): Promise<FleetAttention> =>
      this.#http.request("GET", "/fleet/attention", {
        query: options,
        schema: FleetAttentionSchema,
      }),
  };

  readonly agents = {
    list: (): Promise<Agent[]> =>
      this.#http.request("GET", "/agents", { schema: z.array(AgentSchema) }),
    get: (agentId: string): Promise<Agent> =>
      this.#http.request("GET", `/agents/${id(agentId)}`, { schema: AgentSchema }),
    /** Admin only. The answer's `api_key` is shown this once. */
    create: (agent: AgentCreate): Promise<Agent> =>
      this.#http.request("POST", "/agents", { body: agent, schema: AgentSchema }),
    update: (agentId: string, changes: AgentUpdate): Promise<Agent> =>
      this.#http.request("PATCH", `/agents/${id(agentId)}`, { body: changes, schema: AgentSchema }),
    /** Deactivates the agent: its key stops working at once. */
    delete: (agentId: string): Promise<{ ok: true }> =>
      this.#http.request("DELETE", `/agents/${id(agentId)}`, { schema: OkSchema }),
    /** A new key (in `api_key`, shown once); the old one fails at once. */
    rotateKey: (agentId: string): Promise<Agent> =>
      this.#http.request("POST", `/agents/${id(agentId)}/rotate-key`, { schema: AgentSchema }),
  };

  readonly projects = {
    list: (): Promise<Project[]> =>
      this.#http.request("GET", "/projects", { schema: z.array(ProjectSchema) }),
    get: (ref: number | string): Promise<Project> =>
      this.#http.request("GET", `/projects/${id(ref)}`, { schema: ProjectSchema }),
    create: (project: ProjectCreateInput): Promise<Project> =>
      this.#http.request("POST", "/projects", { body: project, schema: ProjectSchema }),
    update: (ref: number | string, changes: ProjectUpdateInput): Promise<Project> =>
      this.#http.request("PATCH", `/projects/${id(ref)}`, { body: changes, schema: ProjectSchema }),
    delete: (ref: number | string): Promise<{ ok: true }> =>
      this.#http.request("DELETE", `/projects/${id(ref)}`, { schema: OkSchema }),
  };

  readonly webhooks = {
    list: (): Promise<Webhook[]> =>
      this.#http.request("GET", "/webhooks", { schema: z.array(WebhookSchema) }),
    get: (webhookId: string | number): Promise<Webhook> =>
      this.#http.request("GET", `/webhooks/${id(webhookId)}`, { schema: WebhookSchema }),
    /** The answer's `secret` (whsec_…) is shown this once. */
    create: (webhook: WebhookCreate): Promise<Webhook> =>
      this.#http.request("POST", "/webhooks", { body: webhook, schema: WebhookSchema }),
    update: (webhookId: string | number, changes: WebhookUpdate): Promise<Webhook> =>
      this.#http.request("PUT", `/webhooks/${id(webhookId)}`, {
        body: changes,
        schema: WebhookSchema,
      }),
    delete: (webhookId: string | number): Promise<{ ok: true }> =>
      this.#http.request("DELETE", `/webhooks/${id(webhookId)}`, { schema: OkSchema }),
    deliveries: (
      webhookId: string | number,
      options: { limit?: number } = {},
    ): Promise<Delivery[]> =>
      this.#http.request("GET", `/webhooks/${id(webhookId)}/deliveries`, {
        query: options,
        schema: z.array(DeliverySchema),
      }),
    /** Sends a delivery's event again, as a new delivery. */
    redeliver: (webhookId: string | number, deliveryId: string | number): Promise<Delivery> =>
      this.#http.request(
        "POST",
        `/webhooks/${id(webhookId)}/deliveries/${id(deliveryId)}/redeliver`,
        { schema: DeliverySchema },
      ),
    /** Sends a signed test event to the subscription now and answers with the outcome. */
    test: (webhookId: string | number): Promise<Delivery> =>
      this.#http.request("POST", `/webhooks/${id(webhookId)}/test`, { schema: DeliverySchema }),
    /** A new secret (shown once); the old one keeps signing for an overlap period. */
    rotateSecret: (webhookId: string | number): Promise<Webhook> =>
      this.#http.request("POST", `/webhooks/${id(webhookId)}/rotate-secret`, {
        schema: WebhookSchema,
      }),
  };
}
