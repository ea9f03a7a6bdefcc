import { createHash } from "node:crypto";
import { z } from "zod";
import { jsonForComment, render, unrender } from "./untrusted-text.js";

/** An agent's comment as an issue comment: a visible header, the text made safe, a hidden marker. Pure. */
const MARKER_RE = /<!-- baton:comment (\{.*?\}) -->\s*$/s;
const MarkerSchema = z.object({
  agent: z.string(),
  content: z.string().nullable().default(null),
  hash: z.string().nullable().default(null),
});
const TRUSTED = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

export function encodeAgentComment(
  agent: { id: string; display_name: string | null },
  content: string,
): string {
  const shown = render(content);
  const marker = {
    agent: agent.id,
    content: shown === content ? null : content,
    hash: hash(shown),
  };
  const who = agent.display_name
    ? `**${agent.id}** (${render(agent.display_name)})`
    : `**${agent.id}**`;
  return `${header(who)}\n\n${shown}\n\n<!-- baton:comment ${jsonForComment(marker)} -->`;
}

const header = (who: string) => `> Baton agent ${who} commented`;

export interface CommentLike {
  body?: string | null;
  user: { login: string; type?: string } | null;
  author_association?: string;
  fromApp: boolean;
}

export interface DecodedComment {
  author: string;
  author_type: "agent" | "user";
  content: string;
}

/**
 * Reads a comment back. Comments the App wrote carry their agent; a person's comment counts only if
 * they have write access (agents act on comments: strangers must not reach them), with hidden HTML
 * comments stripped. Returns null for comments that must not reach agents.
 */
export function decodeComment(comment: CommentLike): DecodedComment | null {
  const body = comment.body ?? "";
  const match = comment.fromApp ? MARKER_RE.exec(body) : null;
  if (match) {
    const parsed = MarkerSchema.safeParse(safeJson(match[1]!));
    if (parsed.success) {
      const start = body.indexOf("\n\n");
      const shown = start === -1 ? "" : body.slice(start + 2, match.index).replace(/\n\n$/, "");
      const content =
        parsed.data.hash === hash(shown) ? (parsed.data.content ?? shown) : unrender(shown.trim());
      return { author: parsed.data.agent, author_type: "agent", content };
    }
  }
  if (comment.fromApp) return null;
  if (!TRUSTED.has(comment.author_association ?? "")) return null;
  return {
    author: comment.user?.login ?? "ghost",
    author_type: "user",
    content: stripHiddenHtml(body).replace(/\r\n/g, "\n").trim(),
  };
}

export function stripHiddenHtml(text: string): string {
  return text.replace(/<!--[\s\S]*?(-->|$)/g, "");
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Whether Baton (or the Action's token mode) wrote this comment, so its marker is trusted. */
export function isFromApp(
  comment: {
    performed_via_github_app?: { id: number } | null;
    user: { login?: string; type?: string } | null;
  },
  appId: number | undefined,
): boolean {
  // The companion Action's token mode comments as GitHub Actions' bot, with the agents' marker.
  // Only the repository's own workflows, with a write token, can comment as this bot.
  if (comment.user?.type === "Bot" && comment.user.login === "github-actions[bot]") return true;
  if (comment.performed_via_github_app)
    return appId === undefined || comment.performed_via_github_app.id === appId;
  return comment.user?.type === "Bot" && appId === undefined;
}
