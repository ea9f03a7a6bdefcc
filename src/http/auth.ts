import type { Request } from "express";
import type { Caller } from "../tasks/access.js";
import type { AgentService } from "../agents/agent-service.js";
import { errors } from "../errors.js";

/** The key a request carries as `X-Agent-Key` or `Authorization: Bearer`. */
export const readAgentKey = (req: Request): string | undefined =>
  (req.get("x-agent-key") ?? req.get("authorization")?.replace(/^Bearer\s+/i, ""))?.trim() ||
  undefined;

/** Reads `X-Agent-Key` (or `Authorization: Bearer`) and returns the active agent. */
export function authenticator(agents: AgentService) {
  return (req: Request): Caller => {
    const header = readAgentKey(req);
    if (!header)
      throw errors.unauthorized(
        "Missing agent key: send it as X-Agent-Key or Authorization: Bearer",
      );
    const agent = agents.authenticate(header);
    if (!agent) throw errors.unauthorized("Invalid, rotated or revoked agent key");
    return {
      id: agent.id,
      role: agent.role,
      claimToken: readClaimToken(req),
      projectIds: agent.project_ids,
    };
  };
}

/** `X-Claim-Token`: the fencing token of the claim a write is made under (issue #17). */
function readClaimToken(req: Request): number | undefined {
  const header = req.get("x-claim-token")?.trim();
  if (!header) return undefined;
  if (!/^\d{1,15}$/.test(header))
    throw errors.badRequest(
      "invalid_claim_token",
      "X-Claim-Token must be a claim's integer token",
      {
        field: "X-Claim-Token",
      },
    );
  return Number(header);
}
