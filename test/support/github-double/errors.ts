// Domain errors thrown by operations; REST turns them into GitHub's error bodies,
// GraphQL into its `errors` array.
export const DOCS_URL = "https://docs.github.com/rest";

export interface ValidationDetail {
  resource: string;
  code: string;
  field?: string;
  message?: string;
}

export class DoubleError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: ValidationDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** GitHub's REST error body. */
  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = { message: this.message, documentation_url: DOCS_URL };
    if (this.details.length > 0) body.errors = this.details;
    body.status = String(this.status);
    return body;
  }
}

export function notFound(): DoubleError {
  return new DoubleError(404, "Not Found");
}

export function validationFailed(detail: ValidationDetail): DoubleError {
  return new DoubleError(422, "Validation Failed", [detail]);
}

/** 422 with a plain message, as GitHub answers for sub-issue rule violations. */
export function unprocessable(message: string): DoubleError {
  return new DoubleError(422, message);
}
