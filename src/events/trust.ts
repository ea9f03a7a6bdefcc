import type { Sender } from "../github/webhook-payloads.js";
import type { Actor } from "./event-schema.js";

export const isBot = (user: { type?: string | undefined } | null | undefined) =>
  user?.type === "Bot";

/** Who did it, as an event names a person or a bot that is not one of Baton's agents. */
export function actorOf(sender: Sender): Actor {
  return { type: isBot(sender) ? "bot" : "user", login: sender.login };
}
