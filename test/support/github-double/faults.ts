// Injected faults, matched by method and route template, each used `times` times.
import { STATUS_CODES } from "node:http";
import { DOCS_URL } from "./errors.ts";
import type { Fault } from "./types.ts";

export const SECONDARY_RATE_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
const SECONDARY_DOCS =
  "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";

export interface FaultAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface FaultPlan {
  latencyMs: number;
  error?: { answer: FaultAnswer; when: "before" | "after" };
}

export class FaultSet {
  private faults: { fault: Fault; remaining: number }[] = [];

  add(fault: Fault): void {
    this.faults.push({ fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** Consume the faults that apply to a request: every matching latency, and the first matching error. */
  take(method: string, routes: string[]): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0 };
    for (const entry of this.faults) {
      const { fault } = entry;
      if (entry.remaining <= 0) continue;
      if (fault.method && fault.method.toUpperCase() !== method) continue;
      if (fault.route && !routes.includes(fault.route)) continue;
      if (fault.kind === "latency") {
        plan.latencyMs += fault.latencyMs ?? 0;
      } else if (plan.error) {
        continue;
      } else {
        plan.error = { answer: answerFor(fault), when: fault.when ?? "before" };
      }
      entry.remaining--;
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return plan;
  }
}

function answerFor(fault: Fault): FaultAnswer {
  if (fault.kind === "secondary_rate_limit") {
    return {
      status: 403,
      body: { message: SECONDARY_RATE_LIMIT_MESSAGE, documentation_url: SECONDARY_DOCS },
      headers: { "retry-after": String(fault.retryAfter ?? 60) },
    };
  }
  const status = fault.status ?? 502;
  const headers: Record<string, string> =
    fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {};
  return {
    status,
    body: {
      message: STATUS_CODES[status] ?? "Server Error",
      documentation_url: DOCS_URL,
      status: String(status),
    },
    headers,
  };
}
