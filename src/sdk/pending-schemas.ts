import { z } from "zod";
import { TaskSchema } from "../tasks/task-schema.js";

/*
 * Answers of routes built on other branches (delegation, dedup, webhooks) that are not on this one
 * yet. They follow DESIGN.md / DELEGA-API.md and are loose (unknown fields kept), so the SDK works
 * when those routes land. When they merge, replace each with an import of the server's schema.
 */

export const TaskChainSchema = z.object({
  root: TaskSchema,
  chain: z.array(TaskSchema),
  depth: z.number().int(),
  completed_count: z.number().int(),
  total_count: z.number().int(),
});
export type TaskChain = z.infer<typeof TaskChainSchema>;

export const DedupMatchSchema = z.looseObject({
  task_id: z.number().int(),
  url: z.string().optional(),
  content: z.string(),
  score: z.number(),
});
export type DedupMatch = z.infer<typeof DedupMatchSchema>;

export const DedupResultSchema = z.looseObject({
  has_duplicates: z.boolean(),
  matches: z.array(DedupMatchSchema),
});
export type DedupResult = z.infer<typeof DedupResultSchema>;

export const DedupRequestSchema = z.object({
  content: z.string().min(1),
  description: z.string().optional(),
  threshold: z.number().min(0).max(1).optional(),
});
export type DedupRequest = z.infer<typeof DedupRequestSchema>;

const WebhookId = z.union([z.number().int(), z.string()]);

export const WebhookSchema = z.looseObject({
  id: WebhookId,
  url: z.string(),
  events: z.array(z.string()),
  filters: z.record(z.string(), z.unknown()).nullish(),
  active: z.boolean().optional(),
  /** Only in the answers to create and rotate-secret. */
  secret: z.string().optional(),
  created_at: z.string().optional(),
});
export type Webhook = z.infer<typeof WebhookSchema>;

export const WebhookCreateSchema = z.object({
  url: z.url(),
  events: z.array(z.string()).min(1),
  filters: z.record(z.string(), z.unknown()).optional(),
  active: z.boolean().optional(),
});
export type WebhookCreate = z.infer<typeof WebhookCreateSchema>;
export type WebhookUpdate = Partial<WebhookCreate>;

export const DeliverySchema = z.looseObject({
  id: WebhookId,
  event: z.string().optional(),
  status: z.string().optional(),
  attempts: z.number().int().optional(),
  response_status: z.number().int().nullish(),
  created_at: z.string().optional(),
});
export type Delivery = z.infer<typeof DeliverySchema>;

/** Any 2xx JSON answer whose shape is not promised (test pings, redelivery receipts). */
export const AnyObjectSchema = z.looseObject({});
