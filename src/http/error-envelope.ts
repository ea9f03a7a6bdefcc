import { z } from "zod";
import { BatonError, isBatonError } from "../errors.js";

export const ErrorSchema = z
  .object({
    error: z.string(),
    detail: z.string().describe("The same message as `error` (Delega's clients read either)."),
    code: z.string(),
    status: z.number().int(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .meta({ id: "Error" });

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: z.infer<typeof ErrorSchema>;
}

/** The one place any error becomes an HTTP answer. */
export function toErrorResponse(error: unknown): ErrorResponse {
  const known = toBatonError(error);
  const headers: Record<string, string> = {};
  if (known.retryAfter !== undefined)
    headers["retry-after"] = String(Math.max(1, Math.ceil(known.retryAfter)));
  return {
    status: known.status,
    headers,
    body: {
      error: known.message,
      detail: known.message,
      code: known.code,
      status: known.status,
      ...known.details,
    },
  };
}

function toBatonError(error: unknown): BatonError {
  if (isBatonError(error)) return error;
  if (error instanceof z.ZodError) return validationError(error);
  const parserError = error as { type?: string; status?: number };
  if (parserError.type === "entity.too.large") {
    return new BatonError({
      status: 413,
      code: "payload_too_large",
      message: "The request body is too large",
    });
  }
  if (parserError.type === "entity.parse.failed") {
    return new BatonError({
      status: 400,
      code: "invalid_json",
      message: "The request body is not valid JSON",
    });
  }
  if (parserError.type === "encoding.unsupported" || parserError.type === "charset.unsupported") {
    return new BatonError({
      status: 415,
      code: "unsupported_encoding",
      message: "Send the body as UTF-8 JSON",
    });
  }
  return new BatonError({
    status: 500,
    code: "internal_error",
    message: "Internal error",
    cause: error,
  });
}

export function validationError(error: z.ZodError, where = "body"): BatonError {
  const list = error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join(".") : where,
    message: issue.message,
  }));
  const summary = list.map((e) => `${e.field}: ${e.message}`).join("; ");
  return new BatonError({
    status: 422,
    code: "validation_failed",
    message: `Invalid ${where}: ${summary}`,
    details: { errors: list },
  });
}
