import type { Probot } from "probot";
import { z } from "zod";
import { errors } from "../errors.js";
import type { Octokit } from "./octokit.js";

/**
 * The installation client for the task repository, looked up once. Probot's auth refreshes the
 * installation token by itself.
 */
export function installationOctokit(
  app: Probot,
  owner: string,
  repo: string,
): () => Promise<Octokit> {
  let pending: Promise<Octokit> | undefined;
  return () => {
    pending ??= (async () => {
      const appOctokit = await app.auth();
      try {
        const { data } = await appOctokit.rest.apps.getRepoInstallation({ owner, repo });
        const { id } = z.object({ id: z.number() }).parse(data);
        return (await app.auth(id)) as Octokit;
      } catch (error) {
        pending = undefined;
        if ((error as { status?: number }).status === 404) {
          throw errors.unavailable(
            "app_not_installed",
            `The Baton App is not installed on ${owner}/${repo}`,
            60,
          );
        }
        throw errors.unavailable(
          "github_unreachable",
          "Could not reach GitHub to authenticate the App",
          5,
        );
      }
    })();
    return pending;
  };
}
