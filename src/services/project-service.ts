import type { z } from "zod";
import { errors } from "../errors.js";
import type { IssueGateway } from "../github/issue-gateway.js";
import type { GitHubLabel } from "../tasks/github-issue.js";
import { projectLabel } from "../tasks/labels.js";
import {
  describeProject,
  PROJECT_PREFIX,
  projectFromLabel,
  slugify,
  type Project,
  type ProjectCreateSchema,
  type ProjectUpdateSchema,
} from "../tasks/project.js";
import type { ProjectOrderStore } from "../store/project-store.js";
import { VersionCheck } from "../util/version-check.js";

/** Projects are `project:<slug>` labels: name and emoji in the description, colour as the label's. */
export class ProjectService {
  /** Sort orders (the one thing a label cannot hold), read again when another replica changed one. */
  #orders = new Map<string, number>();
  readonly #version: VersionCheck;

  constructor(
    private readonly gateway: IssueGateway,
    private readonly store: ProjectOrderStore,
  ) {
    this.#version = new VersionCheck(() => store.version());
  }

  toProject(label: GitHubLabel): Project {
    if (this.#version.moved()) this.#orders = this.store.all();
    return projectFromLabel(label, this.#orders.get(label.name.slice(PROJECT_PREFIX.length)));
  }

  /** `GET /projects`: a fresh (conditional) read of the labels. */
  async list(): Promise<Project[]> {
    return this.#projects(await this.gateway.listLabels());
  }

  /** A task's project_id: from the cached label set, so a create or list costs no extra request. */
  /** The project `ref` names; an unknown one is a 422 naming the request's `field`. */
  async resolve(ref: number | string, field = "project_id"): Promise<Project> {
    const found = await this.#find(ref);
    if (!found) throw errors.unprocessable("unknown_project", `No project "${ref}"`, { field });
    return found;
  }

  /**
   * The slugs of an agent's projects (issue #17), from the cached label set; null (every project)
   * stays null, and an id no project has any more is left out.
   */
  async slugsOf(ids: number[] | null | undefined): Promise<string[] | null> {
    if (ids == null) return null;
    const projects = this.#projects(await this.gateway.knownLabels());
    return projects.filter((p) => ids.includes(p.id)).map((p) => p.slug);
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
      .filter((label) => label.name.startsWith(PROJECT_PREFIX))
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
      description: describeProject(input.name, input.emoji ?? null),
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
          ? describeProject(
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
    this.store.remove(current.slug);
    this.#orders.delete(current.slug);
  }

  /** Stored, and at once in the cache (the version may have been looked at in this turn). */
  #setOrder(slug: string, order: number): void {
    this.store.set(slug, order);
    this.#orders.set(slug, order);
  }
}
