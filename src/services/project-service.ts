import { z } from "zod";
import { errors } from "../errors.js";
import type { IssueGateway } from "../github/issue-gateway.js";
import type { GitHubLabel } from "../tasks/github-issue.js";
import { projectLabel } from "../tasks/labels.js";
import type { Db } from "../store/database.js";
import { render } from "../tasks/untrusted-text.js";

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

const PREFIX = "project:";
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

/** Projects are `project:<slug>` labels: name and emoji in the description, colour as the label's. */
export class ProjectService {
  /** Sort orders (the one thing a label cannot hold), read once. */
  readonly #orders: Map<string, number>;

  constructor(
    private readonly gateway: IssueGateway,
    private readonly db: Db,
  ) {
    const rows = db.prepare("SELECT slug, sort_order FROM projects").all() as {
      slug: string;
      sort_order: number;
    }[];
    this.#orders = new Map(rows.map((row) => [row.slug, row.sort_order]));
  }

  toProject(label: GitHubLabel): Project {
    const description = label.description ?? "";
    const emoji = EMOJI_RE.exec(description)?.[1] ?? null;
    const name = (
      emoji ? description.slice(EMOJI_RE.exec(description)![0].length) : description
    ).trim();
    const slug = label.name.slice(PREFIX.length);
    const order = this.#orders.get(slug);
    return {
      id: label.id,
      slug,
      name: name || slug,
      emoji,
      color: `#${label.color ?? "ededed"}`,
      sort_order: order ?? 0,
    };
  }

  /** `GET /projects`: a fresh (conditional) read of the labels. */
  async list(): Promise<Project[]> {
    return this.#projects(await this.gateway.listLabels());
  }

  /** A task's project_id: from the cached label set, so a create or list costs no extra request. */
  async resolve(ref: number | string): Promise<Project> {
    const found = await this.#find(ref);
    if (!found)
      throw errors.unprocessable("unknown_project", `No project "${ref}"`, { field: "project_id" });
    return found;
  }

  async get(ref: number | string): Promise<Project> {
    const found = await this.#find(ref);
    if (!found) throw errors.notFound("project_not_found", `No project "${ref}"`);
    return found;
  }

  async #find(ref: number | string): Promise<Project | undefined> {
    const projects = this.#projects(await this.gateway.knownLabels());
    return projects.find((p) => p.id === Number(ref) || p.slug === String(ref));
  }

  #projects(labels: GitHubLabel[]): Project[] {
    return labels
      .filter((label) => label.name.startsWith(PREFIX))
      .map((label) => this.toProject(label))
      .sort((a, b) => a.sort_order - b.sort_order || a.name.localeCompare(b.name));
  }

  async bySlug(slug: string): Promise<Project | null> {
    const label = await this.gateway.findLabel(projectLabel(slug));
    return label ? this.toProject(label) : null;
  }

  async create(input: z.infer<typeof ProjectCreateSchema>): Promise<Project> {
    const slug = input.slug ?? slugify(input.name);
    if (await this.gateway.findLabel(projectLabel(slug))) {
      throw errors.conflict("project_exists", `A project with slug "${slug}" already exists`);
    }
    const label = await this.gateway.createLabel({
      name: projectLabel(slug),
      color: (input.color ?? "#0e8a16").replace("#", "").toLowerCase(),
      description: describe(input.name, input.emoji ?? null),
    });
    this.#setOrder(slug, input.sort_order ?? 0);
    return this.toProject(label);
  }

  async update(ref: number | string, input: z.infer<typeof ProjectUpdateSchema>): Promise<Project> {
    const current = await this.get(ref);
    const label = await this.gateway.updateLabel(projectLabel(current.slug), {
      color: input.color ? input.color.replace("#", "").toLowerCase() : undefined,
      description:
        input.name !== undefined || input.emoji !== undefined
          ? describe(
              input.name ?? current.name,
              input.emoji === undefined ? current.emoji : input.emoji,
            )
          : undefined,
    });
    if (input.sort_order !== undefined) this.#setOrder(current.slug, input.sort_order);
    return this.toProject(label);
  }

  async remove(ref: number | string): Promise<void> {
    const current = await this.get(ref);
    await this.gateway.deleteLabel(projectLabel(current.slug));
    this.db.prepare("DELETE FROM projects WHERE slug = ?").run(current.slug);
    this.#orders.delete(current.slug);
  }

  #setOrder(slug: string, order: number): void {
    this.db
      .prepare(
        "INSERT INTO projects (slug, sort_order) VALUES (?, ?) ON CONFLICT(slug) DO UPDATE SET sort_order = excluded.sort_order",
      )
      .run(slug, order);
    this.#orders.set(slug, order);
  }
}

/** GitHub limits label descriptions to 100 characters. */
function describe(name: string, emoji: string | null): string {
  return `${emoji ? `${emoji} ` : ""}${render(name)}`.slice(0, 100);
}
