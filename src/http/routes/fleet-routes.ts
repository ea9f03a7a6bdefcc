import { FleetAttentionQuerySchema, FleetAttentionSchema } from "../../tasks/fleet-attention.js";
import type { FleetAttentionService } from "../../claims/fleet-service.js";
import { defineRoute, type AnyRoute } from "../route.js";

/** Triage across the fleet (the hosted Delega `GET /fleet/attention`), scoped like `/stats`. */
export function fleetRoutes(fleet: FleetAttentionService): AnyRoute[] {
  return [
    defineRoute({
      method: "get",
      path: "/fleet/attention",
      tag: "claims",
      summary:
        "What needs a look: abandoned claims, silent holders, errored, waiting_input, overdue, looping",
      query: FleetAttentionQuerySchema,
      response: FleetAttentionSchema,
      handler: async ({ caller, query }) => ({ body: fleet.attention(caller, query.limit) }),
    }),
  ];
}
