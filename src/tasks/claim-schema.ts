import { z } from "zod";
import {
  ProjectRefSchema,
  SessionStateSchema,
  TaskLabelSchema,
  TaskSchema,
} from "./task-schema.js";

/**
 * Request and answer shapes of the claim routes, as the hosted Delega API had them (DELEGA-API.md
 * "Later additions"). Lease bounds are checked by the rules (they are configurable), not here.
 */
const LeaseSeconds = z.number().int().positive();
/** The longest `detail` a session state carries (one line for people and agents). */
export const CLAIM_DETAIL_MAX = 500;
const Detail = z.string().max(CLAIM_DETAIL_MAX);
/** The fencing token may come in the body as well as in `X-Claim-Token`. */
const ClaimToken = z.number().int().nonnegative();

export const ClaimRequestSchema = z
  .object({ lease_seconds: LeaseSeconds.optional() })
  .meta({ id: "ClaimRequest" });

export const QueueClaimRequestSchema = z
  .object({
    project_id: ProjectRefSchema.nullish(),
    labels: z.array(TaskLabelSchema).max(50).optional(),
    lease_seconds: LeaseSeconds.optional(),
  })
  .meta({ id: "QueueClaimRequest" });

export const ClaimedSchema = z
  .object({
    task: TaskSchema.nullable(),
    claim_token: z.number().int().nullable().meta({
      description: "Fencing token: send it as X-Claim-Token with writes made under this claim",
    }),
  })
  .meta({ id: "Claimed" });

export const HeartbeatRequestSchema = z
  .object({
    lease_seconds: LeaseSeconds.optional(),
    state: SessionStateSchema.optional(),
    detail: Detail.nullish(),
    claim_token: ClaimToken.optional(),
  })
  .meta({ id: "HeartbeatRequest" });

export const StateRequestSchema = z
  .object({
    state: SessionStateSchema,
    detail: Detail.nullish(),
    claim_token: ClaimToken.optional(),
  })
  .meta({ id: "StateRequest" });

export const ReleaseRequestSchema = z
  .object({ handoff: z.string().max(2000).optional(), claim_token: ClaimToken.optional() })
  .meta({ id: "ReleaseRequest" });

export const ReadyQuerySchema = z
  .object({
    project_id: z.union([z.coerce.number().int().positive(), ProjectRefSchema]).optional(),
    label: TaskLabelSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .meta({ id: "ReadyQuery" });
