import { z } from "zod";
import type { GitHubLabel } from "./github-issue.js";
import { render } from "./untrusted-text.js";

export const ProjectCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    slug: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/)
      .optional(),
    emoji: z.string().max(8).nullish(),
    color: z
      .string()
      .regex(/^#?[0-9a-fA-F]{6}$/, "must be a hex colour like #1d76db")
      .nullish(),
    sort_order: z.number().int().optional(),
  })
  .meta({ id: "ProjectCreate" });

export const ProjectUpdateSchema = ProjectCreateSchema.omit({ slug: true })
  .partial()
  .meta({ id: "ProjectUpdate" });

export const ProjectSchema = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    name: z.string(),
    emoji: z.string().nullable(),
    color: z.string(),
    sort_order: z.number().int(),
  })
  .meta({ id: "Project" });
export type Project = z.infer<typeof ProjectSchema>;

export const PROJECT_PREFIX = "project:";
const EMOJI_RE = /^(\p{Extended_Pictographic}[\u{FE0F}\u{200D}\p{Extended_Pictographic}]*)\s+/u;

export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug || "project";
}

/** A `project:<slug>` label as a project: name and emoji from its description, colour as the label's. */
export function projectFromLabel(label: GitHubLabel, sortOrder: number | undefined): Project {
  const description = label.description ?? "";
  const emoji = EMOJI_RE.exec(description)?.[1] ?? null;
  const name = (
    emoji ? description.slice(EMOJI_RE.exec(description)![0].length) : description
  ).trim();
  const slug = label.name.slice(PROJECT_PREFIX.length);
  return {
    id: label.id,
    slug,
    name: name || slug,
    emoji,
    color: `#${label.color ?? "ededed"}`,
    sort_order: sortOrder ?? 0,
  };
}

/** GitHub limits label descriptions to 100 characters. */
export function describeProject(name: string, emoji: string | null): string {
  return `${emoji ? `${emoji} ` : ""}${render(name)}`.slice(0, 100);
}
