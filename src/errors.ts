/**
 * One error family for the whole app. Every error carries its HTTP status and a machine code, so
 * the HTTP layer maps errors to responses in exactly one place (src/http/error-handler.ts).
 */
export interface BatonErrorOptions {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** Seconds; sent as `Retry-After`. */
  retryAfter?: number;
  cause?: unknown;
}

export class BatonError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly retryAfter: number | undefined;

  constructor(options: BatonErrorOptions) {
    super(options.message, { cause: options.cause });
    this.name = "BatonError";
    this.status = options.status;
    this.code = options.code;
    this.details = options.details ?? {};
    this.retryAfter = options.retryAfter;
  }
}

type Shortcut = (message: string, details?: Record<string, unknown>) => BatonError;
const shortcut =
  (status: number, code: string): Shortcut =>
  (message, details) =>
    new BatonError({ status, code, message, details });

export const errors = {
  badRequest: (code: string, message: string, details?: Record<string, unknown>) =>
    new BatonError({ status: 400, code, message, details }),
  unauthorized: shortcut(401, "unauthorized"),
  forbidden: shortcut(403, "forbidden"),
  /** A 403 with a code of its own, where the caller can do something about it. */
  refused: (code: string, message: string, details?: Record<string, unknown>) =>
    new BatonError({ status: 403, code, message, details }),
  notFound: (code: string, message: string) => new BatonError({ status: 404, code, message }),
  conflict: (code: string, message: string, details?: Record<string, unknown>) =>
    new BatonError({ status: 409, code, message, details }),
  unprocessable: (code: string, message: string, details?: Record<string, unknown>) =>
    new BatonError({ status: 422, code, message, details }),
  unavailable: (code: string, message: string, retryAfter: number) =>
    new BatonError({ status: 503, code, message, retryAfter }),
};

export function isBatonError(error: unknown): error is BatonError {
  return error instanceof BatonError;
}
