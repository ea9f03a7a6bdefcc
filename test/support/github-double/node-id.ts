// GraphQL global ids. They look like GitHub's ("I_kwDO…") but decode to "<type>:<key>"
// so node(id:) can find the record without a lookup table.
export type NodeType =
  "Issue" | "Label" | "IssueComment" | "IssueEvent" | "Repository" | "User" | "Bot";

const PREFIX: Record<NodeType, string> = {
  Issue: "I_kwDO",
  Label: "LA_kwDO",
  IssueComment: "IC_kwDO",
  IssueEvent: "IE_kwDO",
  Repository: "R_kgDO",
  User: "U_kgDO",
  Bot: "BOT_kgDO",
};

export function encodeNodeId(type: NodeType, key: string | number): string {
  return PREFIX[type] + Buffer.from(`${type}:${key}`).toString("base64url");
}

export function decodeNodeId(id: string): { type: NodeType; key: string } | undefined {
  for (const [type, prefix] of Object.entries(PREFIX) as [NodeType, string][]) {
    if (!id.startsWith(prefix)) continue;
    const decoded = Buffer.from(id.slice(prefix.length), "base64url").toString("utf8");
    if (decoded.startsWith(`${type}:`)) return { type, key: decoded.slice(type.length + 1) };
  }
  return undefined;
}
