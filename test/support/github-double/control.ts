// /_double/* control endpoints, for when the double runs as a separate process.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseJson, sendJson } from "./http-util.ts";
import { bodyObject } from "./rest-types.ts";
import type { Fault, GitHubDouble } from "./types.ts";

const FAULT_KINDS = new Set(["status", "secondary_rate_limit", "latency"]);

function isFault(value: unknown): value is Fault {
  const obj = bodyObject(value);
  return typeof obj.kind === "string" && FAULT_KINDS.has(obj.kind);
}

export async function handleControl(
  double: GitHubDouble,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  raw: string,
): Promise<void> {
  const key = `${req.method ?? "GET"} ${path}`;
  try {
    switch (key) {
      case "GET /_double/requests":
        return sendJson(res, 200, double.requests);
      case "POST /_double/requests/reset":
        double.resetRequests();
        return sendJson(res, 204, undefined);
      case "POST /_double/faults": {
        const fault = parseJson(raw);
        if (!isFault(fault))
          return sendJson(res, 400, {
            message: "Body must be a Fault with kind status|secondary_rate_limit|latency",
          });
        double.injectFault(fault);
        return sendJson(res, 204, undefined);
      }
      case "DELETE /_double/faults":
        double.clearFaults();
        return sendJson(res, 204, undefined);
      case "POST /_double/webhook-url": {
        const url = bodyObject(parseJson(raw)).url;
        double.setWebhookUrl(typeof url === "string" && url !== "" ? url : undefined);
        return sendJson(res, 204, undefined);
      }
      case "GET /_double/deliveries":
        return sendJson(res, 200, double.webhookDeliveries);
      case "POST /_double/idle":
        await double.waitForWebhooksIdle();
        return sendJson(res, 200, { idle: true });
      case "GET /_double/state":
        return sendJson(res, 200, double.state);
      default:
        return sendJson(res, 404, { message: `Unknown control endpoint ${key}` });
    }
  } catch {
    return sendJson(res, 400, { message: "Problems parsing JSON" });
  }
}
