import { z } from "zod";
import {
  DeliverySchema,
  RotateSecretSchema,
  WebhookCreateSchema,
  WebhookSchema,
  WebhookUpdateSchema,
} from "../../events/subscription-schema.js";
import type { SubscriptionService } from "../../events/subscription-service.js";
import { defineRoute, type AnyRoute } from "../route.js";

const Params = z.object({ id: z.coerce.number().int().positive() });
const DeliveryParams = Params.extend({ delivery: z.string().min(1).max(80) });
const Deleted = z.object({ ok: z.literal(true), deleted: z.number().int() });
const Limit = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** Webhook subscriptions (DESIGN §6): admins manage all, other agents their own. */
export function webhookRoutes(webhooks: SubscriptionService): AnyRoute[] {
  const update = (method: "put" | "patch") =>
    defineRoute({
      method,
      path: "/webhooks/{id}",
      tag: "webhooks",
      summary: "Change a subscription; `active: true` re-enables a disabled one",
      params: Params,
      body: WebhookUpdateSchema,
      response: WebhookSchema,
      handler: async ({ caller, params, body }) => ({
        body: await webhooks.update(caller, params.id, body),
      }),
    });
  return [
    defineRoute({
      method: "get",
      path: "/webhooks",
      tag: "webhooks",
      summary: "List subscriptions (an admin sees all, other agents their own)",
      response: z.array(WebhookSchema),
      handler: async ({ caller }) => ({ body: webhooks.list(caller) }),
    }),
    defineRoute({
      method: "post",
      path: "/webhooks",
      tag: "webhooks",
      summary: "Subscribe a URL to task events. The answer carries the secret, shown this once",
      body: WebhookCreateSchema,
      response: WebhookSchema,
      status: 201,
      handler: async ({ caller, body }) => ({
        status: 201,
        body: await webhooks.create(caller, body),
      }),
    }),
    defineRoute({
      method: "get",
      path: "/webhooks/{id}",
      tag: "webhooks",
      summary: "Get a subscription",
      params: Params,
      response: WebhookSchema,
      handler: async ({ caller, params }) => ({ body: webhooks.get(caller, params.id) }),
    }),
    update("put"),
    update("patch"),
    defineRoute({
      method: "delete",
      path: "/webhooks/{id}",
      tag: "webhooks",
      summary: "Delete a subscription and its pending deliveries",
      params: Params,
      response: Deleted,
      handler: async ({ caller, params }) => {
        webhooks.remove(caller, params.id);
        return { body: { ok: true as const, deleted: params.id } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/webhooks/{id}/deliveries",
      tag: "webhooks",
      summary: "Recent deliveries, newest first, each with its attempts",
      params: Params,
      query: Limit,
      response: z.array(DeliverySchema),
      handler: async ({ caller, params, query }) => ({
        body: webhooks.deliveries(caller, params.id, query.limit),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/webhooks/{id}/deliveries/{delivery}/redeliver",
      tag: "webhooks",
      summary: "Send a delivery's event again (as a new delivery)",
      params: DeliveryParams,
      response: DeliverySchema,
      status: 202,
      handler: async ({ caller, params }) => ({
        status: 202,
        body: webhooks.redeliver(caller, params.id, params.delivery),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/webhooks/{id}/test",
      tag: "webhooks",
      summary: "Send a signed `webhook.test` event now and answer with the outcome",
      params: Params,
      response: DeliverySchema,
      handler: async ({ caller, params }) => ({ body: await webhooks.test(caller, params.id) }),
    }),
    defineRoute({
      method: "post",
      path: "/webhooks/{id}/rotate-secret",
      tag: "webhooks",
      summary: "New secret (shown once); the old one also signs for a grace period (default 24 h)",
      params: Params,
      query: RotateSecretSchema,
      response: WebhookSchema,
      handler: async ({ caller, params, query }) => ({
        body: webhooks.rotateSecret(caller, params.id, query.grace_seconds),
      }),
    }),
  ];
}
