import { z } from "zod";
import { errors } from "../errors.js";
import { render } from "./untrusted-text.js";

/**
 * Links from a task to the work it produced: a branch, a commit, a pull request or any URL (the
 * hosted Delega API's `GET/POST /tasks/{id}/links`). They live in the issue's metadata block, so
 * they survive a lost store, and are listed in the issue body for people. Pure.
 */
export const LINK_KINDS = ["branch", "commit", "pr", "url"] as const;
export type LinkKind = (typeof LINK_KINDS)[number];
export const MAX_LINKS = 50;
export const LINKS_MARKER = "<!-- baton:links -->";

const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2000);
const RepoSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must look like owner/name")
  .max(200);
/** A git branch name: no spaces, control characters or `~^:?*[\` and no `..` (git's own rules). */
const BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)[^\s~^:?*[\\`\p{Cc}]{1,255}(?<![/.])$/u;
const COMMIT = /^[0-9a-f]{7,64}$/i;
const PR = /^#?[1-9]\d{0,9}$/;

/** `POST /tasks/{id}/links`: `{kind, repo?, ref, url?}` (Delega's shape). */
export const LinkCreateSchema = z
  .object({
    kind: z.enum(LINK_KINDS, { error: `must be one of ${LINK_KINDS.join(", ")}` }),
    repo: RepoSchema.nullish(),
    ref: z.string().trim().min(1, "must not be blank").max(2000),
    url: HttpUrl.nullish(),
  })
  .superRefine((link, ctx) => {
    const bad = (message: string) => ctx.addIssue({ code: "custom", path: ["ref"], message });
    if (link.kind === "branch" && !BRANCH.test(link.ref)) bad("must be a git branch name");
    if (link.kind === "commit" && !COMMIT.test(link.ref)) bad("must be a commit SHA (7–64 hex)");
    if (link.kind === "pr" && !PR.test(link.ref)) bad("must be a pull request number, e.g. 12");
    if (link.kind === "url" && !link.url && !HttpUrl.safeParse(link.ref).success)
      bad("must be an http(s) URL (or send the URL in `url`)");
    if (link.kind !== "url" && link.ref.length > 255) bad("must be at most 255 characters");
  })
  .transform((link) => ({
    kind: link.kind,
    repo: link.repo ?? null,
    ref: link.kind === "pr" ? link.ref.replace("#", "") : link.ref,
    url: link.url ?? (link.kind === "url" ? link.ref : null),
  }))
  .meta({ id: "TaskLinkCreate" });
export type LinkInput = z.output<typeof LinkCreateSchema>;

export const TaskLinkSchema = z
  .object({
    kind: z.enum(LINK_KINDS),
    repo: z.string().nullable(),
    ref: z.string(),
    url: z.string().nullable(),
    created_by_agent_id: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: "TaskLink" });
export type TaskLink = z.infer<typeof TaskLinkSchema>;

/** A link as the issue's metadata keeps it (short keys: the block stays small). */
export const StoredLinkSchema = z.object({
  kind: z.enum(LINK_KINDS),
  repo: z.string().nullable().default(null),
  ref: z.string(),
  url: z.string().nullable().default(null),
  by: z.string().nullable().default(null),
  at: z.string(),
});
export type StoredLink = z.infer<typeof StoredLinkSchema>;

/** Reads the stored links, dropping an entry a person broke rather than the whole block. */
export const StoredLinksSchema = z
  .array(z.unknown())
  .default([])
  .transform((items) =>
    items.flatMap((item) => {
      const parsed = StoredLinkSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }),
  );

export const toTaskLink = (link: StoredLink): TaskLink => ({
  kind: link.kind,
  repo: link.repo,
  ref: link.ref,
  url: link.url,
  created_by_agent_id: link.by,
  created_at: link.at,
});

const sameLink = (a: StoredLink, b: LinkInput) =>
  a.kind === b.kind && a.repo === b.repo && a.ref === b.ref && a.url === b.url;

/**
 * Adds a link. The same link again is no change (`added: false`): a retried call writes nothing.
 * 422 `too_many_links` past MAX_LINKS.
 */
export function addLink(
  links: StoredLink[],
  input: LinkInput,
  by: string,
  at: string,
): { link: StoredLink; added: boolean; links: StoredLink[] } {
  const existing = links.find((link) => sameLink(link, input));
  if (existing) return { link: existing, added: false, links };
  if (links.length >= MAX_LINKS) {
    throw errors.unprocessable(
      "too_many_links",
      `A task holds at most ${MAX_LINKS} links; this one has ${links.length}`,
      { limit: MAX_LINKS },
    );
  }
  const link: StoredLink = { ...input, by, at };
  return { link, added: true, links: [...links, link] };
}

const KIND_NAMES: Record<LinkKind, string> = {
  branch: "branch",
  commit: "commit",
  pr: "pull request",
  url: "link",
};

/** Agent text in a code span: shown as typed, never a mention, reference or markup. */
const code = (text: string) => `\`${text.replace(/`/g, "%60").replace(/\s+/g, " ")}\``;

/**
 * A URL people can click, unless GitHub would read it as a reference to another issue or pull
 * request (that would put this task on its timeline) or a mention: then shown as text.
 */
function shownUrl(url: string): string {
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    return code(url);
  }
  return render(href) === href && !/[<>\s]/.test(href) ? `<${href}>` : code(href);
}

function linkLine(link: StoredLink): string {
  const where = link.repo ? ` in ${code(link.repo)}` : "";
  const ref = link.kind === "pr" ? `#${link.ref}` : link.ref;
  const url = link.url && !(link.kind === "url" && link.url === link.ref) ? link.url : null;
  const head =
    link.kind === "url" && link.url === link.ref
      ? `- ${KIND_NAMES.url}: ${shownUrl(link.url)}`
      : `- ${KIND_NAMES[link.kind]} ${code(ref)}${where}`;
  return url ? `${head} · ${shownUrl(url)}` : head;
}

/** The visible list in the issue body (the metadata stays the record). */
export function renderLinks(links: StoredLink[]): string {
  return [`${LINKS_MARKER}\n**Links**`, links.map(linkLine).join("\n")].join("\n\n");
}
