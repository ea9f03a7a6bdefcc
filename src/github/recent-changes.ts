import { z } from "zod";
import {
  GitHubCommentSchema,
  GitHubIssueSchema,
  type GitHubComment,
  type GitHubIssue,
} from "../tasks/github-issue.js";
import type { GitHubRequester } from "./issue-gateway.js";
import { mappedRequester } from "./github-boundary.js";

const PER_PAGE = 100;

/** A comment as the repository-wide list gives it: its issue is named by URL only. */
export type RepoComment = GitHubComment & { issue_url: string };
const RepoCommentSchema = GitHubCommentSchema.extend({ issue_url: z.string() });

/**
 * Reads back what changed in the task repository since a moment: for catch-up (DESIGN §6a), the
 * issues updated and the comments made since; for a write in doubt (§8), the issue or comment
 * carrying its nonce. Plain listing, never the search API (it lags).
 */
export class RecentChanges {
  readonly #owner: string;
  readonly #repo: string;
  readonly #octokit: () => Promise<GitHubRequester>;

  constructor(options: { owner: string; repo: string; octokit: () => Promise<GitHubRequester> }) {
    this.#owner = options.owner;
    this.#repo = options.repo;
    // Through the one boundary: failures arrive as BatonErrors.
    this.#octokit = async () => mappedRequester(await options.octokit());
  }

  /** Issues (not pull requests) updated at or after `since`, least recently updated first. */
  async issuesSince(since: string): Promise<GitHubIssue[]> {
    const issues = await this.#all(
      "GET /repos/{owner}/{repo}/issues",
      { state: "all", since, sort: "updated", direction: "asc" },
      GitHubIssueSchema,
    );
    return issues.filter((issue) => !issue.pull_request);
  }

  /** Comments updated at or after `since`, oldest first. */
  async commentsSince(since: string): Promise<RepoComment[]> {
    return this.#all(
      "GET /repos/{owner}/{repo}/issues/comments",
      { since, sort: "created", direction: "asc" },
      RepoCommentSchema,
    );
  }

  /**
   * The issue whose metadata carries `nonce`, among every issue updated since `since` (when its
   * write began): a complete list, not the newest few. Throws when GitHub cannot be read, so
   * "not there" is only said when it is known (src/idempotency.ts).
   */
  async issueWithNonce(nonce: string, since: string): Promise<GitHubIssue | null> {
    const needle = `"nonce":"${nonce}"`;
    const issues = await this.#all(
      "GET /repos/{owner}/{repo}/issues",
      { state: "all", since, sort: "created", direction: "desc" },
      GitHubIssueSchema,
    );
    return issues.find((issue) => issue.body?.includes(needle)) ?? null;
  }

  /** The comment on issue `number` whose marker carries `nonce`, among those made since `since`. */
  async commentWithNonce(
    number: number,
    nonce: string,
    since: string,
  ): Promise<GitHubComment | null> {
    const needle = `"nonce":"${nonce}"`;
    const comments = await this.#all(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      { issue_number: String(number), since },
      GitHubCommentSchema,
    );
    return comments.find((comment) => comment.body?.includes(needle)) ?? null;
  }

  async #all<T>(route: string, params: Record<string, string>, schema: z.ZodType<T>): Promise<T[]> {
    const octokit = await this.#octokit();
    const all: T[] = [];
    for (let page = 1; ; page++) {
      const res = await octokit.request(route, {
        owner: this.#owner,
        repo: this.#repo,
        ...params,
        per_page: PER_PAGE,
        page,
      });
      all.push(...z.array(schema).parse(res.data));
      const link = typeof res.headers.link === "string" ? res.headers.link : "";
      if (!/rel="next"/.test(link)) return all;
    }
  }
}
