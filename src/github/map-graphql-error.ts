import { z } from "zod";
import { errors, type BatonError } from "../errors.js";
import { mapGitHubError } from "./map-github-error.js";

const GraphqlErrorsSchema = z.object({
  name: z.literal("GraphqlResponseError"),
  errors: z.array(z.object({ message: z.string(), type: z.string().optional() })),
});

/**
 * GraphQL failures as the API's errors. A 200 with `errors` is GitHub refusing: its sub-issue
 * limits become the same 409 codes Baton's own checks give; transport failures map as REST ones.
 */
export function mapGraphqlError(error: unknown): BatonError {
  const parsed = GraphqlErrorsSchema.safeParse(error);
  if (!parsed.success) return mapGitHubError(error);
  const message = parsed.data.errors.map((e) => e.message).join("; ");
  const types = parsed.data.errors.map((e) => e.type);
  if (/sub-?issues?/i.test(message) && /more than \d+ levels|level|depth|nest/i.test(message)) {
    return errors.conflict("delegation_depth_exceeded", `GitHub refused the link: ${message}`);
  }
  if (/more than \d+ sub-?issues/i.test(message)) {
    return errors.conflict("too_many_children", `GitHub refused the link: ${message}`);
  }
  if (types.includes("RATE_LIMITED")) {
    return errors.unavailable("github_rate_limited", "GitHub is rate limiting Baton's GraphQL", 60);
  }
  if (types.includes("NOT_FOUND")) return errors.notFound("github_not_found", message);
  return errors.unprocessable("github_validation_failed", `GitHub rejected the change: ${message}`);
}
