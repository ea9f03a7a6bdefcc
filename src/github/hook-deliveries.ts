import { z } from "zod";
import type { GitHubRequester } from "./issue-gateway.js";
import { mappedRequester } from "./github-boundary.js";

/** One attempt to deliver a webhook to the App, as `GET /app/hook/deliveries` lists it. */
const DeliverySummarySchema = z.object({
  id: z.number(),
  guid: z.string(),
  delivered_at: z.string(),
  redelivery: z.boolean(),
  status_code: z.number(),
  event: z.string(),
  action: z.string().nullish(),
});
export type DeliverySummary = z.infer<typeof DeliverySummarySchema>;

const DeliveryPayloadSchema = z.object({
  guid: z.string(),
  event: z.string(),
  request: z.object({ payload: z.record(z.string(), z.unknown()).nullable() }),
});

export interface DeliveredWebhook {
  /** The event's guid: `X-GitHub-Delivery` of every attempt, redeliveries included. */
  id: string;
  name: string;
  payload: Record<string, unknown>;
}

const PER_PAGE = 100;

/**
 * The App's webhook deliveries (DESIGN §6a): GitHub keeps every attempt, failed ones included,
 * for a few days, and never retries on its own. Authenticated as the App (JWT), not the
 * installation.
 */
export class HookDeliveries {
  readonly #octokit: () => Promise<GitHubRequester>;

  constructor(appOctokit: () => Promise<GitHubRequester>) {
    // Through the one boundary: failures arrive as BatonErrors.
    this.#octokit = async () => mappedRequester(await appOctokit());
  }

  /** Every attempt delivered at or after `since`, oldest first (GitHub lists newest first). */
  async since(since: string): Promise<DeliverySummary[]> {
    const octokit = await this.#octokit();
    const found: DeliverySummary[] = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await octokit.request("GET /app/hook/deliveries", {
        per_page: PER_PAGE,
        ...(cursor ? { cursor } : {}),
      });
      const page = z.array(DeliverySummarySchema).parse(res.data);
      const recent = page.filter((d) => Date.parse(d.delivered_at) >= Date.parse(since));
      found.push(...recent);
      const link = typeof res.headers.link === "string" ? res.headers.link : "";
      cursor = /[?&]cursor=([^&>]+)[^>]*>;\s*rel="next"/.exec(link)?.[1];
      if (!cursor || recent.length < page.length) break;
    }
    return found.reverse();
  }

  /** The webhook an attempt carried, as GitHub sent it. */
  async webhook(deliveryId: number): Promise<DeliveredWebhook | null> {
    const octokit = await this.#octokit();
    const res = await octokit.request("GET /app/hook/deliveries/{delivery_id}", {
      delivery_id: deliveryId,
    });
    const delivery = DeliveryPayloadSchema.parse(res.data);
    if (!delivery.request.payload) return null;
    return { id: delivery.guid, name: delivery.event, payload: delivery.request.payload };
  }
}
