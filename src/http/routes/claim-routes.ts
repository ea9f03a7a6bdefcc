import { z } from "zod";
import type { Caller } from "../../tasks/access.js";
import {
  ClaimedSchema,
  ClaimRequestSchema,
  HeartbeatRequestSchema,
  QueueClaimRequestSchema,
  ReadyQuerySchema,
  ReleaseRequestSchema,
  StateRequestSchema,
} from "../../tasks/claim-schema.js";
import type { ClaimService } from "../../claims/claim-service.js";
import type { ReadyQueue } from "../../claims/ready-queue.js";
import { errors } from "../../errors.js";
import { TaskSchema } from "../../tasks/task-schema.js";
import { defineRoute, type AnyRoute } from "../route.js";

const TaskParams = z.object({ id: z.coerce.number().int().positive() });

/** A token in the body and one in `X-Claim-Token` must agree. */
function withToken(caller: Caller, token: number | undefined): Caller {
  if (token === undefined) return caller;
  if (caller.claimToken !== undefined && caller.claimToken !== token)
    throw errors.badRequest("invalid_claim_token", "claim_token and X-Claim-Token differ", {
      field: "claim_token",
    });
  return { ...caller, claimToken: token };
}

/** Claims, leases and the ready queue (issue #17). Listed before the task routes. */
export function claimRoutes(claims: ClaimService, ready: ReadyQueue): AnyRoute[] {
  return [
    defineRoute({
      method: "get",
      path: "/tasks/ready",
      tag: "claims",
      summary:
        "Ready tasks, best first: open, unclaimed, no open blocker, unassigned or the caller's",
      query: ReadyQuerySchema,
      response: z.array(TaskSchema),
      handler: async ({ caller, query }) => ({ body: await ready.list(caller, query) }),
    }),
    defineRoute({
      method: "post",
      path: "/tasks/claim",
      tag: "claims",
      summary: "Claim the best ready task ({task: null} when none); racing agents never share one",
      body: QueueClaimRequestSchema,
      optionalBody: true,
      response: ClaimedSchema,
      handler: async ({ caller, body }) => ({
        body: await claims.claimNext(caller, body, body.lease_seconds),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/tasks/{id}/claim",
      tag: "claims",
      summary: "Claim a task with a lease; 409 when completed, assigned elsewhere or held",
      params: TaskParams,
      body: ClaimRequestSchema,
      optionalBody: true,
      response: ClaimedSchema,
      handler: async ({ caller, params, body }) => ({
        body: await claims.claim(caller, params.id, body.lease_seconds),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/tasks/{id}/heartbeat",
      tag: "claims",
      summary: "Extend the caller's lease (and set its session state); 409 without a live claim",
      params: TaskParams,
      body: HeartbeatRequestSchema,
      optionalBody: true,
      response: TaskSchema,
      handler: async ({ caller, params, body }) => ({
        body: await claims.heartbeat(withToken(caller, body.claim_token), params.id, body),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/tasks/{id}/state",
      tag: "claims",
      summary: "Set the claim's session state (working, waiting_input, errored) without extending",
      params: TaskParams,
      body: StateRequestSchema,
      response: TaskSchema,
      handler: async ({ caller, params, body }) => ({
        body: await claims.setState(withToken(caller, body.claim_token), params.id, body),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/tasks/{id}/release",
      tag: "claims",
      summary: "Release the claim, with a hand-off note for the next holder",
      params: TaskParams,
      body: ReleaseRequestSchema,
      optionalBody: true,
      response: TaskSchema,
      handler: async ({ caller, params, body }) => ({
        body: await claims.release(withToken(caller, body.claim_token), params.id, body.handoff),
      }),
    }),
  ];
}
