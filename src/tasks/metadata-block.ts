import { createdByBaton, type IssueOrigin } from "./provenance.js";

/**
 * DESIGN §3a: the metadata block (`<!-- baton:v1 {…} -->`) changes only when Baton writes it.
 * Pure: which block Baton believes, who edited it, and the body that puts Baton's block back.
 */

/** Every metadata block in a body; the codec reads the last one. */
export const META_BLOCK_RE = /<!-- baton:v1 (\{.*?\}) -->/gs;

/** The block as written (the whole HTML comment), or null when the body has none. */
export function blockOf(body: string | null | undefined): string | null {
  let last: string | null = null;
  for (const match of (body ?? "").matchAll(META_BLOCK_RE)) last = match[0];
  return last;
}

/**
 * `body` with `block` as its only metadata block: in the place of the last one there, else at
 * the end. A person's text around it is kept as it is; `null` takes every block out.
 */
export function withBlock(body: string | null | undefined, block: string | null): string {
  const text = body ?? "";
  const matches = [...text.matchAll(META_BLOCK_RE)];
  if (matches.length === 0) return block === null ? text : joinBlock(text, block);
  let out = "";
  let from = 0;
  matches.forEach((match, i) => {
    out += text.slice(from, match.index);
    if (i === matches.length - 1 && block !== null) out += block;
    from = match.index + match[0].length;
  });
  out += text.slice(from);
  return block === null ? out.trimEnd() : out;
}

const joinBlock = (text: string, block: string) =>
  text.trimEnd() === "" ? block : `${text.trimEnd()}\n\n${block}`;

/** The text of a body apart from its metadata blocks: what a person may change. */
export const textOf = (body: string | null | undefined): string => withBlock(body, null);

/** Whose write an edit is, as far as the block is concerned. */
export type BlockEditor = "baton" | "writer" | "stranger";

const WRITERS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

/** The author has write access (GitHub's `author_association` of the issue). */
export const authorCanWrite = (issue: { author_association?: string | undefined }) =>
  WRITERS.has(issue.author_association ?? "");

/**
 * Who made an edit of an issue: `baton` for bots (the App; the Action's token mode writes as
 * `github-actions[bot]`, and only an admin installs an App), `writer` for a person with write
 * access, `stranger` for anyone else. GitHub lets only writers edit someone else's issue, so an
 * editor who is not the author is a writer; the author is one if their association says so.
 */
export function editorOf(
  sender: { login: string; type?: string | undefined },
  issue: { user: { login: string } | null; author_association?: string | undefined },
): BlockEditor {
  if (sender.type === "Bot") return "baton";
  if (issue.user?.login !== sender.login) return "writer";
  return authorCanWrite(issue) ? "writer" : "stranger";
}

/** What Baton knows of the block it last wrote on an issue (`block` null: it wrote none). */
export interface WrittenBlock {
  block: string | null;
  updated_at: string;
}

/**
 * The block Baton believes for an issue. What Baton last wrote wins. Without a record (Baton has
 * not written the issue since its store began), the block on GitHub is believed when only Baton
 * and writers can have written it (Baton created the issue, or a writer opened it), and no block
 * is believed on an issue a stranger opened (a writer may have handed it over with its forged block).
 */
export function believedBlock(
  issue: IssueOrigin & { body: string | null; author_association?: string | undefined },
  written: WrittenBlock | undefined,
  appId: number | undefined,
): string | null {
  if (written) return written.block;
  return createdByBaton(issue, appId) || authorCanWrite(issue) ? blockOf(issue.body) : null;
}

/** The issue as Baton believes it: its body with the believed block (the same object when equal). */
export function believedIssue<
  T extends IssueOrigin & { body: string | null; author_association?: string | undefined },
>(issue: T, written: WrittenBlock | undefined, appId: number | undefined): T {
  const block = believedBlock(issue, written, appId);
  if (blockOf(issue.body) === block) return issue;
  const body = withBlock(issue.body, block);
  return { ...issue, body: body === "" ? null : body };
}

/**
 * An edit of the body that left its title and visible text as they were: only the metadata
 * block changed. (Compared without blocks, so it holds for the issue as Baton believes it too.)
 */
export function onlyBlockEdited(
  changes: { title?: unknown; body?: { from: string | null } | undefined },
  body: string | null,
): boolean {
  if (!changes.body || changes.title) return false;
  return textOf(changes.body.from) === textOf(body);
}
