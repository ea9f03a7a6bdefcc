import { z } from "zod";
import { checkWriteSize } from "./github-limits.js";
import { errors } from "../errors.js";
import { definitionFor, type LabelDefinition } from "../tasks/labels.js";
import type { IssueWrite } from "../tasks/issue-writes.js";
import { EtagCache } from "./etag-cache.js";
import {
  GitHubCommentSchema,
  GitHubIssueSchema,
  GitHubLabelSchema,
  type GitHubComment,
  type GitHubIssue,
  type GitHubLabel,
} from "../tasks/github-issue.js";
import { GitHubTimelineEventSchema, type GitHubTimelineEvent } from "../tasks/task-history.js";
import { AS_ON_GITHUB, type BlockKeeper } from "./block-keeper.js";
import { githubStatus } from "./map-github-error.js";
import { mappedRequester, type GitHubRequester } from "./github-boundary.js";

export type { GitHubRequester } from "./github-boundary.js";
export type { BlockKeeper } from "./block-keeper.js";

export interface IssueListQuery {
  state: "open" | "closed" | "all";
  labels?: string[];
}

export type IssueRelation = "sub_issues" | "dependencies/blocked_by" | "dependencies/blocking";

export interface GatewayOptions {
  owner: string;
  repo: string;
  octokit: () => Promise<GitHubRequester>;
  /** Baton's record of the metadata blocks it wrote (docs/trust.md); absent: as on GitHub. */
  blocks?: BlockKeeper;
}

interface Page {
  data: unknown;
  headers: Record<string, string | number | undefined>;
}

const PER_PAGE = 100;
const IssuePage = z.array(GitHubIssueSchema);

/**
 * All of Baton's GitHub I/O for the task repository. Reads are conditional (a `304` costs no rate
 * limit); writes go through Octokit's per-installation write queue; nothing uses the search API.
 */
export class IssueGateway {
  readonly owner: string;
  readonly repo: string;
  readonly #octokit: () => Promise<GitHubRequester>;
  readonly #blocks: BlockKeeper;
  /** Parsed (zod-trimmed) bodies, not GitHub's full JSON: a fraction of the memory. */
  readonly #cache = new EtagCache<{ data: unknown; link: string | undefined }>();
  #knownLabels: Promise<Map<string, GitHubLabel>> | undefined;

  constructor(options: GatewayOptions) {
    this.owner = options.owner;
    this.repo = options.repo;
    // Every request goes through the one boundary: failures arrive here as BatonErrors.
    this.#octokit = async () => mappedRequester(await options.octokit());
    this.#blocks = options.blocks ?? AS_ON_GITHUB;
  }

  /** The issue as Baton believes it (its own metadata block, whoever edited the one on GitHub). */
  believe(issue: GitHubIssue): GitHubIssue {
    return this.#blocks.believe(issue);
  }

  /** A page of issues as Baton believes them, in one look-up. */
  believeAll(issues: GitHubIssue[]): GitHubIssue[] {
    return this.#blocks.believeAll(issues);
  }

  /** Baton wrote this body (an issue created over GraphQL): its block is the one to believe. */
  wrote(body: string, answer: GitHubIssue): void {
    this.#blocks.wrote(body, answer);
  }

  /**
   * Creates an issue. Never retried blindly: a lost answer is resolved by the caller, which looks
   * for the issue's nonce (`findIssueByNonce`; src/idempotency.ts).
   */
  async createIssue(
    write: Required<Pick<IssueWrite, "title" | "body" | "labels">>,
  ): Promise<GitHubIssue> {
    checkWriteSize(write);
    await this.ensureLabels(write.labels);
    const octokit = await this.#octokit();
    const res = await octokit.request("POST /repos/{owner}/{repo}/issues", {
      owner: this.owner,
      repo: this.repo,
      ...write,
    });
    const issue = this.#remember(res, GitHubIssueSchema.parse(res.data));
    this.#blocks.wrote(write.body, issue);
    return issue;
  }

  /** The issue as Baton believes it; `raw`: its body exactly as on GitHub. */
  async getIssue(number: number, options: { raw?: boolean } = {}): Promise<GitHubIssue | null> {
    const page = await this.#conditionalGet(
      `GET /repos/{owner}/{repo}/issues/{issue_number}`,
      { issue_number: number },
      (data) => GitHubIssueSchema.parse(data),
    );
    if (!page || page.data.pull_request) return null;
    return options.raw ? page.data : this.#blocks.believe(page.data);
  }

  async updateIssue(number: number, write: IssueWrite): Promise<GitHubIssue> {
    checkWriteSize(write);
    if (write.labels) await this.ensureLabels(write.labels);
    const octokit = await this.#octokit();
    const res = await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: this.owner,
      repo: this.repo,
      issue_number: number,
      ...write,
    });
    const issue = this.#remember(res, GitHubIssueSchema.parse(res.data), number);
    if (write.body !== undefined) this.#blocks.wrote(write.body, issue);
    return this.#blocks.believe(issue);
  }

  /** Every issue matching the query, 100 per request, each page conditional. */
  async listIssues(query: IssueListQuery): Promise<GitHubIssue[]> {
    const params: Record<string, string | number> = {
      state: query.state,
      per_page: PER_PAGE,
      sort: "created",
      direction: "desc",
    };
    if (query.labels?.length) params.labels = query.labels.join(",");
    const pages = await this.#allPages("GET /repos/{owner}/{repo}/issues", params, IssuePage);
    return this.#blocks.believeAll(pages.flat().filter((issue) => !issue.pull_request));
  }

  async listComments(number: number): Promise<GitHubComment[]> {
    const pages = await this.#allPages(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      { issue_number: number, per_page: PER_PAGE },
      z.array(GitHubCommentSchema),
    );
    return pages.flat();
  }

  async createComment(number: number, body: string): Promise<GitHubComment> {
    checkWriteSize({ body });
    const octokit = await this.#octokit();
    const res = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: this.owner,
      repo: this.repo,
      issue_number: number,
      body,
    });
    return GitHubCommentSchema.parse(res.data);
  }

  /**
   * An issue's timeline (labels, close/reopen, renames, assignments, comments, with actors),
   * oldest first. Kinds Baton does not read, or cannot, are left out.
   */
  async listTimeline(number: number): Promise<GitHubTimelineEvent[]> {
    const pages = await this.#allPages(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/timeline",
      { issue_number: number, per_page: PER_PAGE },
      z.array(z.unknown()),
    );
    return pages.flat().flatMap((item) => {
      const event = GitHubTimelineEventSchema.safeParse(item);
      return event.success ? [event.data] : [];
    });
  }

  /** An issue's direct sub-issues (≤ 100 by GitHub's rule, so one conditional request). */
  listSubIssues(number: number): Promise<GitHubIssue[]> {
    return this.listRelated(number, "sub_issues");
  }

  /**
   * The issues related to one at `/issues/{n}/<relation>`: its sub-issues, or the issues it is
   * blocked by or blocking (≤ 50 each by GitHub's rule). One conditional request per 100.
   */
  async listRelated(number: number, relation: IssueRelation): Promise<GitHubIssue[]> {
    const pages = await this.#allPages(
      `GET /repos/{owner}/{repo}/issues/{issue_number}/${relation}`,
      { issue_number: number, per_page: PER_PAGE },
      IssuePage,
    );
    return this.#blocks.believeAll(pages.flat());
  }

  /** GraphQL node ids of labels, creating missing ones first (with their fixed colours). */
  async labelNodeIds(names: string[]): Promise<string[]> {
    await this.ensureLabels(names);
    const ids: string[] = [];
    for (const name of names) {
      let label = await this.findLabel(name);
      if (label && !label.node_id) {
        // Cached from an answer without node ids: read the set again once.
        this.forgetLabels();
        label = await this.findLabel(name);
      }
      if (!label?.node_id)
        throw errors.unavailable("github_label_missing", `Label "${name}" has no node id yet`, 5);
      ids.push(label.node_id);
    }
    return ids;
  }

  async listLabels(): Promise<GitHubLabel[]> {
    const pages = await this.#allPages(
      "GET /repos/{owner}/{repo}/labels",
      { per_page: PER_PAGE },
      z.array(GitHubLabelSchema),
    );
    const labels = pages.flat();
    this.#knownLabels = Promise.resolve(
      new Map(labels.map((label) => [label.name.toLowerCase(), label])),
    );
    return labels;
  }

  /** The label set as last read, kept current by Baton's own writes and `label` webhooks. */
  async knownLabels(): Promise<GitHubLabel[]> {
    return [...(await this.#labels()).values()];
  }

  async findLabel(name: string): Promise<GitHubLabel | undefined> {
    return (await this.#labels()).get(name.toLowerCase());
  }

  /**
   * Makes sure each named label exists with its fixed colour before an issue uses it, so GitHub
   * never auto-creates a grey one. Known labels cost nothing; the set is read once.
   */
  async ensureLabels(
    names: string[],
    define: (name: string) => LabelDefinition = definitionFor,
  ): Promise<void> {
    const known = await this.#labels();
    for (const name of names) {
      if (!known.has(name.toLowerCase())) await this.createLabel(define(name));
    }
  }

  #labels(): Promise<Map<string, GitHubLabel>> {
    this.#knownLabels ??= this.listLabels()
      .then(() => this.#knownLabels!)
      .catch((error: unknown) => {
        this.#knownLabels = undefined;
        throw error;
      });
    return this.#knownLabels;
  }

  async createLabel(definition: LabelDefinition): Promise<GitHubLabel> {
    const octokit = await this.#octokit();
    try {
      const res = await octokit.request("POST /repos/{owner}/{repo}/labels", {
        owner: this.owner,
        repo: this.repo,
        ...definition,
      });
      const label = GitHubLabelSchema.parse(res.data);
      (await this.#knownLabels)?.set(label.name.toLowerCase(), label);
      return label;
    } catch (error) {
      if (githubStatus(error) === 422) {
        // Already there (made by someone else meanwhile): re-read the set.
        this.#knownLabels = undefined;
        const label = await this.findLabel(definition.name);
        if (label) return label;
      }
      throw error;
    }
  }

  async updateLabel(name: string, changes: Partial<LabelDefinition>): Promise<GitHubLabel> {
    const octokit = await this.#octokit();
    const res = await octokit.request("PATCH /repos/{owner}/{repo}/labels/{name}", {
      owner: this.owner,
      repo: this.repo,
      name,
      new_name: changes.name,
      color: changes.color,
      description: changes.description,
    });
    const label = GitHubLabelSchema.parse(res.data);
    const known = await this.#knownLabels;
    known?.delete(name.toLowerCase());
    known?.set(label.name.toLowerCase(), label);
    return label;
  }

  async deleteLabel(name: string): Promise<void> {
    const octokit = await this.#octokit();
    try {
      await octokit.request("DELETE /repos/{owner}/{repo}/labels/{name}", {
        owner: this.owner,
        repo: this.repo,
        name,
      });
      (await this.#knownLabels)?.delete(name.toLowerCase());
    } catch (error) {
      if (githubStatus(error) !== 404) throw error;
    }
  }

  /** Takes one label off an issue; false when it was not on it (so a redelivery does nothing). */
  async removeIssueLabel(number: number, name: string): Promise<boolean> {
    const octokit = await this.#octokit();
    try {
      await octokit.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
        owner: this.owner,
        repo: this.repo,
        issue_number: number,
        name,
      });
      return true;
    } catch (error) {
      if (githubStatus(error) === 404) return false;
      throw error;
    }
  }

  /** A label changed on github.com: forget what we knew so the next use re-reads it. */
  forgetLabels(): void {
    this.#knownLabels = undefined;
  }

  #remember(res: Page, issue: GitHubIssue, number = issue.number): GitHubIssue {
    const etag = res.headers.etag;
    this.#cache.set(`issue:${number}`, typeof etag === "string" ? etag : undefined, {
      data: issue,
      link: undefined,
    });
    return issue;
  }

  async #conditionalGet<T>(
    route: string,
    params: Record<string, string | number>,
    parse: (data: unknown) => T,
  ): Promise<{ data: T; link: string } | null> {
    const key =
      route.startsWith("GET /repos/{owner}/{repo}/issues/{issue_number}") &&
      Object.keys(params).length === 1
        ? `issue:${params.issue_number}`
        : `${route} ${JSON.stringify(params)}`;
    const cached = this.#cache.get(key);
    const octokit = await this.#octokit();
    try {
      const res = await octokit.request(route, {
        owner: this.owner,
        repo: this.repo,
        ...params,
        headers: cached ? { "if-none-match": cached.etag } : {},
      });
      const etag = res.headers.etag;
      const link = typeof res.headers.link === "string" ? res.headers.link : "";
      const data = parse(res.data);
      this.#cache.set(key, typeof etag === "string" ? etag : undefined, { data, link });
      return { data, link };
    } catch (error) {
      const status = githubStatus(error);
      // Only our own cache entries are ever served on a 304, so the cast is to what we stored.
      if (status === 304 && cached)
        return { data: cached.value.data as T, link: cached.value.link ?? "" };
      if (status === 404 || status === 410) {
        this.#cache.delete(key);
        return null;
      }
      throw error;
    }
  }

  async #allPages<T>(
    route: string,
    params: Record<string, string | number>,
    schema: z.ZodType<T>,
  ): Promise<T[]> {
    const pages: T[] = [];
    for (let page = 1; ; page++) {
      const res = await this.#conditionalGet(route, { ...params, page }, (data) =>
        schema.parse(data),
      );
      if (!res) throw errors.notFound("github_not_found", "Not found on GitHub");
      pages.push(res.data);
      if (!/rel="next"/.test(res.link)) break;
    }
    return pages;
  }
}
