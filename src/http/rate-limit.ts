import { rateLimit } from "express-rate-limit";
import type { Caller } from "../tasks/access.js";
import { BatonError } from "../errors.js";

/** Per-key (not per-IP) limits: every local client shares one IP, but each agent has its own key. */
export function perAgentRateLimit(perMinute: number) {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    keyGenerator: (_req, res) => (res.locals.caller as Caller).id,
    handler: (_req, _res, next, options) => {
      next(
        new BatonError({
          status: 429,
          code: "rate_limited",
          message: "Too many requests for this agent key",
          retryAfter: Math.ceil(options.windowMs / 1000),
        }),
      );
    },
  });
}
