import { z } from "zod";
import type { WebhookCreateSchema, WebhookUpdateSchema } from "../events/subscription-schema.js";
import type { DedupQuerySchema } from "../tasks/task-schema.js";

/*
 * The server's own schemas for delegation, dedup and webhook answers, under the names the SDK
 * exports. One schema validates the server's requests, types the SDK and checks its answers.
 */
export { ChainSchema as TaskChainSchema, type Chain as TaskChain } from "../tasks/chain.js";
export { DedupMatchSchema, DedupResultSchema } from "../tasks/task-schema.js";
export { HistoryEntrySchema, type HistoryActor, type HistoryEntry } from "../tasks/task-history.js";
export {
  DeliverySchema,
  WebhookSchema,
  type Delivery,
  type Webhook,
} from "../events/subscription-schema.js";

export type DedupMatch = z.infer<typeof import("../tasks/task-schema.js").DedupMatchSchema>;
export type DedupResult = z.infer<typeof import("../tasks/task-schema.js").DedupResultSchema>;
export type DedupRequest = z.input<typeof DedupQuerySchema>;
export type WebhookCreate = z.input<typeof WebhookCreateSchema>;
export type WebhookUpdate = z.input<typeof WebhookUpdateSchema>;
