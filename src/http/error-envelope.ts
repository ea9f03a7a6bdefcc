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
  // The router's own failures: a malformed %-escape in the path, or another http-errors 4xx.
  if (error instanceof URIError) {
    return new BatonError({
      status: 400,
      code: "invalid_path",
      message: "The request path has a malformed %-escape",
    });
  }
  const httpError = error as { status?: unknown; expose?: unknown };
  if (
    typeof httpError.status === "number" &&
    httpError.status >= 400 &&
    httpError.status < 500 &&
    httpError.expose === true
  ) {
    return new BatonError({
      status: httpError.status,
      code: "bad_request",
      message: "The request could not be read",
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
