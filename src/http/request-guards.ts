import express, { type NextFunction, type Request, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import { BatonError } from "../errors.js";

/** Deeper JSON is refused before anything walks it recursively (zod, JSON.stringify). */
export const MAX_JSON_DEPTH = 64;

/** How deep a parsed JSON value nests (a scalar is 0), walked without recursion; stops past `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    const level = depth + 1;
    deepest = Math.max(deepest, level);
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === "object" && child !== null) stack.push([child, level]);
    }
  }
  return deepest;
}

/**
 * Body parsing that only ever fails with a client error: a body that cannot be decompressed,
 * decoded or parsed is the sender's fault (400/413/415), and so is JSON nested too deep.
 */
export function jsonBody(maxBody: string) {
  const parse = express.json({
    limit: maxBody,
    strict: false,
    type: ["application/json", "application/*+json"],
  });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (error?: unknown) => {
      if (error) return next(asBodyError(error));
      if (jsonDepth(req.body) > MAX_JSON_DEPTH) {
        return next(
          new BatonError({
            status: 400,
            code: "json_too_deep",
            message: `The request body nests deeper than ${MAX_JSON_DEPTH} levels`,
          }),
        );
      }
      next();
    });
  };
}

function asBodyError(error: unknown): BatonError {
  const parserError = error as { type?: string; status?: number };
  switch (parserError.type) {
    case "entity.too.large":
      return new BatonError({
        status: 413,
        code: "payload_too_large",
        message: "The request body is too large",
      });
    case "entity.parse.failed":
      return new BatonError({
        status: 400,
        code: "invalid_json",
        message: "The request body is not valid JSON",
      });
    case "encoding.unsupported":
    case "charset.unsupported":
      return new BatonError({
        status: 415,
        code: "unsupported_encoding",
        message: "Send the body as UTF-8 JSON (Content-Encoding: identity, gzip, deflate or br)",
      });
    default:
      // Undecodable gzip/deflate/br, a size that does not match Content-Length, an aborted upload.
      return new BatonError({
        status: 400,
        code: "invalid_body",
        message: "The request body could not be read (check Content-Encoding and Content-Length)",
      });
  }
}

/**
 * Requests without a valid agent key (public routes, unknown paths, wrong keys) are limited per
 * client address, so an anonymous flood cannot cost more than a few checks a second.
 */
export function anonymousRateLimit(perMinute: number) {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    handler: (_req, _res, next, options) => {
      next(
        new BatonError({
          status: 429,
          code: "rate_limited",
          message: "Too many requests without a valid agent key from this address",
          retryAfter: Math.ceil(options.windowMs / 1000),
        }),
      );
    },
  });
}
