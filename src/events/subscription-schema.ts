import { z } from "zod";
import { AgentIdSchema, ProjectRefSchema } from "../tasks/task-schema.js";
import { EVENT_TYPES } from "./event-schema.js";

/**
 * Event names a subscription may list: `*` (all) or `task.*`. Names Baton does not emit (a newer
 * client's) are accepted and never fire.
 */
const EventName = z
  .string()
  .regex(/^(\*|task\.[a-z_]+)$/, `must be "*" or a task event: ${EVENT_TYPES.join(", ")}`);

/** Secrets are made by the server (DESIGN §6); a client's own is refused, not silently dropped. */
const NoClientSecret = z
  .union([z.null(), z.literal("")])
  .optional()
  .meta({ description: "Not accepted: the server generates the secret and returns it once." });

export const WebhookCreateSchema = z
  .object({
    url: z.string().min(1).max(2048),
    events: z.array(EventName).min(1).max(50).optional(),
    active: z.boolean().optional(),
    project_id: ProjectRefSchema.nullish(),
    agent_id: AgentIdSchema.nullish(),
    secret: NoClientSecret,
  })
  .meta({ id: "WebhookCreate" });
export type WebhookCreate = z.infer<typeof WebhookCreateSchema>;

export const WebhookUpdateSchema = WebhookCreateSchema.partial().meta({ id: "WebhookUpdate" });
export type WebhookUpdate = z.infer<typeof WebhookUpdateSchema>;

export const WebhookSchema = z
  .object({
    id: z.number().int(),
    url: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    project_id: z.number().int().nullable(),
    agent_id: z.string().nullable(),
    owner_agent_id: z.string(),
    disabled_reason: z.string().nullable(),
    consecutive_failures: z.number().int(),
    secret_prefix: z.string(),
    previous_secret_expires_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    secret: z
      .string()
      .optional()
      .meta({ description: "Only in the create and rotate-secret answers." }),
  })
  .meta({ id: "Webhook" });
export type Webhook = z.infer<typeof WebhookSchema>;

export const RotateSecretSchema = z
  .object({
    grace_seconds: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .optional()
      .meta({ description: "How long the old secret keeps signing too (default 24 h)." }),
  })
  .meta({ id: "RotateSecret" });

export const DeliveryAttemptSchema = z.object({
  attempt: z.number().int(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
  at: z.string(),
});

export const DeliverySchema = z
  .object({
    id: z.string(),
    webhook_id: z.number().int(),
    event_id: z.string(),
    event: z.string(),
    task_id: z.number().int().nullable(),
    state: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    last_status: z.number().int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: z.string().nullable(),
    created_at: z.string(),
    delivered_at: z.string().nullable(),
    redelivery_of: z.string().nullable(),
    log: z.array(DeliveryAttemptSchema),
  })
  .meta({ id: "WebhookDelivery" });
export type Delivery = z.infer<typeof DeliverySchema>;
