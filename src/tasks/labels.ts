/** Baton's own label vocabulary: names, fixed colours and descriptions. Pure. */
export interface LabelDefinition {
  name: string;
  color: string;
  description: string;
}

export const PRIORITY_LABELS = [
  "priority:low",
  "priority:medium",
  "priority:high",
  "priority:urgent",
] as const;

export const STATUS_LABELS = {
  in_progress: "status:in-progress",
  blocked: "status:blocked",
  delegated: "status:delegated",
  failed: "status:failed",
} as const;

export type LabelStatus = keyof typeof STATUS_LABELS;

export const RESERVED_PREFIXES = [
  "priority:",
  "status:",
  "agent:",
  "depth:",
  "project:",
  "baton:",
] as const;

/** A person with write access hands an issue they did not have Baton create to Baton (DESIGN §3a). */
export const HANDOVER_LABEL = "baton:task";

const PRIORITY_COLORS = ["c2e0c6", "fbca04", "f9a03f", "d73a4a"];

export const priorityLabel = (priority: number): string => PRIORITY_LABELS[priority - 1]!;
/** "low", "medium", "high" or "urgent" for priority 1–4. */
export const priorityName = (priority: number): string =>
  priorityLabel(priority).slice("priority:".length);
export const AGENT_LABEL_PREFIX = "agent:";
export const agentLabel = (agentId: string): string => `${AGENT_LABEL_PREFIX}${agentId}`;
export const depthLabel = (depth: number): string => `depth:${depth}`;
export const projectLabel = (slug: string): string => `project:${slug}`;

export const isReserved = (name: string): boolean =>
  RESERVED_PREFIXES.some((p) => name.startsWith(p));

/** The labels that exist from the start. Agent, depth and project labels are added as needed. */
export function baseLabels(maxDepth: number): LabelDefinition[] {
  return [
    ...PRIORITY_LABELS.map((name, i) => ({
      name,
      color: PRIORITY_COLORS[i]!,
      description: `Baton task priority ${i + 1} of 4`,
    })),
    {
      name: STATUS_LABELS.in_progress,
      color: "0e8a16",
      description: "Baton: an agent is working on it",
    },
    { name: STATUS_LABELS.blocked, color: "b60205", description: "Baton: blocked" },
    {
      name: STATUS_LABELS.delegated,
      color: "5319e7",
      description: "Baton: delegated to sub-issues",
    },
    { name: STATUS_LABELS.failed, color: "e11d21", description: "Baton: the agent gave up" },
    {
      name: HANDOVER_LABEL,
      color: "fbca04",
      description: "Baton: a person with write access handed this issue to the agents",
    },
    ...Array.from({ length: maxDepth }, (_, i) => depthDefinition(i + 1)),
  ];
}

export const agentDefinition = (agentId: string): LabelDefinition => ({
  name: agentLabel(agentId),
  color: "1d76db",
  description: `Baton: held by agent ${agentId}`,
});

export const depthDefinition = (depth: number): LabelDefinition => ({
  name: depthLabel(depth),
  color: "d4c5f9",
  description: `Baton: delegation depth ${depth}`,
});

export const freeLabelDefinition = (name: string): LabelDefinition => ({
  name,
  color: "bfd4f2",
  description: "Baton task label",
});

let fixed: Map<string, LabelDefinition> | undefined;

export function definitionFor(name: string): LabelDefinition {
  // Priority and status labels have fixed colours; without this they would get the free-label one.
  fixed ??= new Map(baseLabels(0).map((label) => [label.name, label]));
  const known = fixed.get(name);
  if (known) return known;
  if (name.startsWith("agent:")) return agentDefinition(name.slice("agent:".length));
  if (name.startsWith("depth:")) return depthDefinition(Number(name.slice("depth:".length)));
  return freeLabelDefinition(name);
}
