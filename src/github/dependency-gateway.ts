import { GitHubIssueSchema, type GitHubIssue } from "../tasks/github-issue.js";
import { githubStatus } from "./map-github-error.js";
import { mappedRequester, type GitHubRequester } from "./github-boundary.js";
import type { IssueGateway } from "./issue-gateway.js";

export interface DependencyGatewayOptions {
  owner: string;
  repo: string;
  octokit: () => Promise<GitHubRequester>;
  issues: Pick<IssueGateway, "listRelated">;
}

const BLOCKED_BY = "/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by";

/**
 * GitHub's own issue dependencies ("blocked by" / "blocking"), over REST. A blocker is named by its
 * `id`, not its number. Writes go through the installation's write queue like every other write.
 */
export class DependencyGateway {
  readonly #owner: string;
  readonly #repo: string;
  readonly #octokit: () => Promise<GitHubRequester>;
  readonly #issues: Pick<IssueGateway, "listRelated">;

  constructor(options: DependencyGatewayOptions) {
    this.#owner = options.owner;
    this.#repo = options.repo;
    // Every request goes through the one boundary: failures arrive here as BatonErrors.
    this.#octokit = async () => mappedRequester(await options.octokit());
    this.#issues = options.issues;
  }

  /** The issues `number` is blocked by (any repository), conditional reads. */
  blockedBy(number: number): Promise<GitHubIssue[]> {
    return this.#issues.listRelated(number, "dependencies/blocked_by");
  }

  /** The issues `number` blocks (any repository), conditional reads. */
  blocking(number: number): Promise<GitHubIssue[]> {
    return this.#issues.listRelated(number, "dependencies/blocking");
  }

  /** Marks `number` blocked by the issue whose id is `blockerId`; answers the blocker. */
  async addBlockedBy(number: number, blockerId: number): Promise<GitHubIssue> {
    const octokit = await this.#octokit();
    const res = await octokit.request(`POST ${BLOCKED_BY}`, {
      owner: this.#owner,
      repo: this.#repo,
      issue_number: number,
      issue_id: blockerId,
    });
    return GitHubIssueSchema.parse(res.data);
  }

  /** Removes the dependency; false when GitHub had none (a retry, or removed on github.com). */
  async removeBlockedBy(number: number, blockerId: number): Promise<boolean> {
    const octokit = await this.#octokit();
    try {
      await octokit.request(`DELETE ${BLOCKED_BY}/{issue_id}`, {
        owner: this.#owner,
        repo: this.#repo,
        issue_number: number,
        issue_id: blockerId,
      });
      return true;
    } catch (error) {
      if (githubStatus(error) === 404) return false;
      throw error;
    }
  }
}
