import { AGENT_LABEL_PREFIX } from "./labels.js";

/** What a `labeled` webhook says: the label added and who added it. */
export interface LabelAdded {
  action: string;
  label?: { name: string } | undefined;
  sender: { login: string; type?: string | undefined };
}

/**
 * DESIGN §3a: a person's `agent:<x>` label naming no agent is refused (Baton takes it off and
 * says why). Pure: answers the unknown agent id, or null when the label stands. Baton's own and
 * workflows' labels (bots) are never refused: they went through the API's checks.
 */
export function refusedAgentLabel(
  change: LabelAdded,
  agentExists: (id: string) => boolean,
): string | null {
  if (change.action !== "labeled" || change.sender.type === "Bot") return null;
  const name = change.label?.name ?? "";
  if (!name.startsWith(AGENT_LABEL_PREFIX)) return null;
  const id = name.slice(AGENT_LABEL_PREFIX.length);
  return agentExists(id) ? null : id;
}

/** The one comment Baton leaves when it takes a refused label off. */
export function agentLabelRefusalComment(login: string, agentId: string): string {
  return [
    `> Baton removed the label \`${AGENT_LABEL_PREFIX}${agentId}\``,
    "",
    `@${login}, no agent has the id \`${agentId}\`, so the task keeps its agent.`,
    `To hand it to an agent, add the \`${AGENT_LABEL_PREFIX}<id>\` label of one that exists`,
    "(`GET /v1/agents` lists them).",
  ].join("\n");
}
