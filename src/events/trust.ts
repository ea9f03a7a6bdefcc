import type { Sender } from "../github/webhook-payloads.js";
import type { Actor } from "./event-schema.js";

export const isBot = (user: { type?: string | undefined } | null | undefined) =>
  user?.type === "Bot";

/** Who did it, as an event names a person or a bot that is not one of Baton's agents. */
export function actorOf(sender: Sender): Actor {
  return { type: isBot(sender) ? "bot" : "user", login: sender.login };
}

/** Who caused a change: an agent through the API, or a person or bot on github.com. */
export interface Cause {
  agentId?: string | null;
  actor?: Actor | null;
}

/**
 * Who caused a change GitHub reports: when a bot sent it, the agent whose write Baton journalled
 * for it (`agentOfWrite`); else whoever GitHub names, as `actor`.
 */
export function causeOf(
  sender: Sender,
  agentOfWrite: () => string | null | undefined,
): Required<Cause> {
  const agentId = isBot(sender) ? agentOfWrite() : undefined;
  return agentId ? { agentId, actor: null } : { agentId: null, actor: actorOf(sender) };
}
