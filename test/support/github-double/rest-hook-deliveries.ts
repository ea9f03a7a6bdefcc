// REST: the App's webhook deliveries (JWT), as GitHub keeps them: newest first, cursor-paged,
// failed attempts included; an attempt can be redelivered (same guid, `redelivery: true`).
import { DoubleError, notFound } from "./errors.ts";
import type { Route } from "./rest-types.ts";
import type { WebhookDelivery } from "./types.ts";

const succeeded = (d: WebhookDelivery) => d.status !== "error" && d.status >= 200 && d.status < 300;

function simpleJson(d: WebhookDelivery): Record<string, unknown> {
  return {
    id: d.deliveryId,
    guid: d.id,
    delivered_at: d.deliveredAt,
    redelivery: d.redelivery,
    duration: d.duration,
    status: d.statusText,
    status_code: d.status === "error" ? 0 : d.status,
    event: d.event,
    action: d.action ?? null,
    installation_id: d.installationId,
    repository_id: d.repositoryId,
    throttled_at: null,
  };
}

function fullJson(d: WebhookDelivery): Record<string, unknown> {
  return {
    ...simpleJson(d),
    url: "",
    request: { headers: d.requestHeaders, payload: d.payload },
    response: { headers: {}, payload: d.responseBody },
  };
}

/** GitHub's cursors are opaque; the double's is `v1_<id of the last item sent>`. */
function readCursor(raw: string | null): number | undefined {
  if (raw === null || raw === "") return undefined;
  const match = /^v1_(\d+)$/.exec(raw);
  if (!match) throw new DoubleError(400, "Invalid cursor");
  return Number(match[1]);
}

function attempt(id: string | undefined, list: () => WebhookDelivery[]): WebhookDelivery {
  const found = list().find((d) => d.deliveryId === Number(id));
  if (!found) throw notFound();
  return found;
}

export const hookDeliveryRoutes: Route[] = [
  {
    method: "GET",
    template: "/app/hook/deliveries",
    auth: "jwt",
    handle: (req) => {
      const perPage = Math.min(100, Math.max(1, Number(req.query.get("per_page") ?? 30) || 30));
      const before = readCursor(req.query.get("cursor"));
      const status = req.query.get("status");
      if (status !== null && status !== "success" && status !== "failure")
        throw new DoubleError(422, "Invalid status");
      const matching = [...req.ctx.webhooks.deliveries]
        .reverse()
        .filter((d) => before === undefined || d.deliveryId < before)
        .filter((d) => status === null || (status === "success") === succeeded(d));
      const page = matching.slice(0, perPage);
      const headers: Record<string, string> = {};
      const last = page.at(-1);
      if (last && matching.length > perPage) {
        const next = new URL(req.url.href);
        next.searchParams.set("per_page", String(perPage));
        next.searchParams.set("cursor", `v1_${last.deliveryId}`);
        headers.link = `<${next.href}>; rel="next"`;
      }
      return { status: 200, body: page.map(simpleJson), headers };
    },
  },
  {
    method: "GET",
    template: "/app/hook/deliveries/{delivery_id}",
    auth: "jwt",
    handle: (req) => ({
      status: 200,
      body: fullJson(attempt(req.params.delivery_id, () => req.ctx.webhooks.deliveries)),
    }),
  },
  {
    method: "POST",
    template: "/app/hook/deliveries/{delivery_id}/attempts",
    auth: "jwt",
    handle: (req) => {
      const original = attempt(req.params.delivery_id, () => req.ctx.webhooks.deliveries);
      if (!req.ctx.webhooks.redeliver(original))
        throw new DoubleError(422, "The App has no webhook URL");
      return { status: 202, body: {} };
    },
  },
];
