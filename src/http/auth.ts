import type { Request } from "express";
import type { Caller } from "../agents/access.js";
import type { AgentService } from "../agents/agent-service.js";
import { errors } from "../errors.js";

/** Reads `X-Agent-Key` (or `Authorization: Bearer`) and returns the active agent. */
export function authenticator(agents: AgentService) {
  return (req: Request): Caller => {
    const header = req.get("x-agent-key") ?? req.get("authorization")?.replace(/^Bearer\s+/i, "");
    if (!header)
      throw errors.unauthorized(
        "Missing agent key: send it as X-Agent-Key or Authorization: Bearer",
      );
    const agent = agents.authenticate(header.trim());
    if (!agent) throw errors.unauthorized("Invalid, rotated or revoked agent key");
    return { id: agent.id, role: agent.role };
  };
}
