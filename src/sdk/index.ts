/** Baton's TypeScript SDK: `import { BatonClient } from "baton/sdk"`. */
export {
  BatonClient,
  type BatonClientOptions,
  type Claimed,
  type ContextInfo,
  type Health,
  type ProjectCreateInput,
  type ProjectUpdateInput,
  type TaskCreateInput,
  type TaskId,
  type TaskLinkInput,
  type TaskListFilters,
  type TaskUpdateInput,
} from "./client.js";
export {
  isLoopback,
  resolveBaseUrl,
  resolveConfig,
  serverRoot,
  type ClientConfig,
  type ResolveOptions,
} from "./config.js";
export { BatonApiError, BatonConfigError, isBatonApiError } from "./errors.js";
export type {
  DedupMatch,
  DedupRequest,
  DedupResult,
  Delivery,
  TaskChain,
  Webhook,
  WebhookCreate,
  WebhookUpdate,
} from "./server-schemas.js";
export type { RetryOptions } from "./retry-policy.js";
export type { FetchLike } from "./transport.js";
export type { Agent, AgentCreate, AgentUpdate, Role } from "../agents/agent-schema.js";
export type { Project } from "../tasks/project.js";
export type { Comment, Task, TaskStatus } from "../tasks/task-schema.js";
export type { Stats } from "../tasks/task-stats.js";
export type { TaskLink } from "../tasks/task-links.js";
export type { FleetAttention } from "../tasks/fleet-attention.js";
