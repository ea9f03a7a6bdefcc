import { Argument, type Command } from "commander";
import type { TaskLink } from "../../sdk/index.js";
import { LINK_KINDS, type LinkKind } from "../../tasks/task-links.js";
import { parseId, run, withCommon, type CommonOptions } from "../context.js";
import { linkLine, table } from "../output.js";

const linkColumns: Array<[string, (l: TaskLink) => unknown]> = [
  ["KIND", (l) => l.kind],
  ["REPO", (l) => l.repo],
  ["REF", (l) => l.ref],
  ["BY", (l) => l.created_by_agent_id],
  ["URL", (l) => (l.url !== l.ref ? l.url : null)],
];

/**
 * `baton tasks link|links` (docs/coordination.md): a task's branches, commits, pull requests and
 * URLs, kept on its issue.
 */
export function addLinkCommands(tasks: Command): void {
  withCommon(
    tasks
      .command("link")
      .description("link a branch, commit, pull request or URL to a task")
      .argument("<id>", "task id", parseId)
      .addArgument(new Argument("<kind>", "what it links").choices(LINK_KINDS))
      .argument("<ref>", "branch name, commit SHA, PR number, or the URL (kind url)")
      .option("--repo <owner/name>", "the repository it is in")
      // --url is the Baton server's, as on every command.
      .option("--link-url <url>", "an http(s) URL for it"),
  ).action(
    (
      id: number,
      kind: LinkKind,
      ref: string,
      opts: CommonOptions & { repo?: string; linkUrl?: string },
    ) =>
      run(
        opts,
        (c) =>
          c.tasks.link(id, {
            kind,
            ref,
            ...(opts.repo ? { repo: opts.repo } : {}),
            ...(opts.linkUrl ? { url: opts.linkUrl } : {}),
          }),
        (link) => console.log(`Linked #${id}: ${linkLine(link)}`),
      ),
  );

  withCommon(
    tasks
      .command("links")
      .description("the branches, commits, pull requests and URLs linked to a task")
      .argument("<id>", "task id", parseId),
  ).action((id: number, opts: CommonOptions) =>
    run(
      opts,
      (c) => c.tasks.links(id),
      (links) => (links.length ? table(links, linkColumns) : console.log(`#${id} has no links.`)),
    ),
  );
}
