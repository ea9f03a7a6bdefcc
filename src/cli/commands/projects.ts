import { Command } from "commander";
import { run, UsageError, withCommon, type CommonOptions } from "../context.js";
import { details, table } from "../output.js";

interface ProjectOptions extends CommonOptions {
  name?: string;
  emoji?: string;
  color?: string;
}

export function projectsCommand(): Command {
  const projects = new Command("projects").description("projects (project: labels)");

  withCommon(projects.command("list").description("list projects")).action((opts: CommonOptions) =>
    run(
      opts,
      (c) => c.projects.list(),
      (list) =>
        table(list, [
          ["ID", (p) => p.id],
          ["SLUG", (p) => p.slug],
          ["NAME", (p) => `${p.emoji ? `${p.emoji} ` : ""}${p.name}`],
          ["COLOR", (p) => p.color],
        ]),
    ),
  );

  withCommon(
    projects.command("show").description("show a project").argument("<id>", "id or slug"),
  ).action((id: string, opts: CommonOptions) =>
    run(
      opts,
      (c) => c.projects.get(id),
      (p) => details(Object.entries(p)),
    ),
  );

  withCommon(
    projects
      .command("create")
      .description("create a project (admin)")
      .argument("<name>", "project name")
      .option("--slug <slug>", "label slug (default: from the name)")
      .option("--emoji <emoji>", "emoji")
      .option("--color <hex>", "label colour, e.g. #1d76db"),
  ).action((name: string, opts: ProjectOptions & { slug?: string }) =>
    run(
      opts,
      (c) => c.projects.create({ name, slug: opts.slug, emoji: opts.emoji, color: opts.color }),
      (p) => console.log(`Created project ${p.id} (${p.slug}).`),
    ),
  );

  withCommon(
    projects
      .command("update")
      .description("change a project (admin)")
      .argument("<id>", "id or slug")
      .option("--name <name>", "new name")
      .option("--emoji <emoji>", "emoji")
      .option("--color <hex>", "label colour"),
  ).action((id: string, opts: ProjectOptions) => {
    const changes = Object.fromEntries(
      Object.entries({ name: opts.name, emoji: opts.emoji, color: opts.color }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    if (!Object.keys(changes).length)
      throw new UsageError("Nothing to change: pass --name, --emoji or --color");
    return run(
      opts,
      (c) => c.projects.update(id, changes),
      (p) => console.log(`Updated project ${p.id}.`),
    );
  });

  withCommon(
    projects
      .command("delete")
      .description("delete a project (admin)")
      .argument("<id>", "id or slug"),
  ).action((id: string, opts: CommonOptions) =>
    run(
      opts,
      (c) => c.projects.delete(id),
      () => console.log(`Deleted project ${id}.`),
    ),
  );

  return projects;
}
