import type { BlockKeeper } from "../github/issue-gateway.js";
import type { GitHubWebhook } from "../github/webhook-payloads.js";
import type { RefusedBlockEdit, SqliteBlockStore } from "../store/block-store.js";
import type { GitHubIssue } from "../tasks/github-issue.js";
import { believedBlock, believedIssue, blockOf, editorOf } from "../tasks/metadata-block.js";

/**
 * DESIGN §3a: the metadata block changes only when Baton writes it (docs/trust.md). Baton keeps
 * the block it last wrote on each issue and believes it over the one on GitHub: every issue it
 * reads (through the gateways) and every webhook it receives (`observe`) shows Baton's block.
 * Local only; writing a block back on GitHub is `BlockRestorer`'s.
 */
export class MetadataBlocks implements BlockKeeper {
  readonly #store: SqliteBlockStore;
  readonly #appId: () => number | undefined;

  constructor(options: { store: SqliteBlockStore; appId: () => number | undefined }) {
    this.#store = options.store;
    this.#appId = options.appId;
  }

  believe<T extends GitHubIssue>(issue: T): T {
    return believedIssue(issue, this.#store.written(issue.number), this.#appId());
  }

  believeAll<T extends GitHubIssue>(issues: T[]): T[] {
    const written = this.#store.writtenMany(issues.map((issue) => issue.number));
    const appId = this.#appId();
    return issues.map((issue) => believedIssue(issue, written.get(issue.number), appId));
  }

  wrote(body: string, answer: GitHubIssue): void {
    this.#store.saveWritten(answer.number, blockOf(body), answer.updated_at);
  }

  /**
   * The router's first step, before any other reads the webhook: a block Baton (or the Action's
   * token mode) wrote is remembered as its own; before someone else's first edit of an issue Baton
   * has no record of, what it believed until then is (the webhook's previous body). Answers the
   * webhook with its issues as Baton believes them.
   */
  observe(webhook: GitHubWebhook): GitHubWebhook {
    switch (webhook.kind) {
      case "issue":
        this.#note(webhook);
        return { ...webhook, issue: this.believe(webhook.issue) };
      case "comment":
        return { ...webhook, issue: this.believe(webhook.issue) };
      case "link":
        return {
          ...webhook,
          parent: this.believe(webhook.parent),
          child: this.believe(webhook.child),
        };
      default:
        return webhook;
    }
  }

  /** Someone else's edit of the block that Baton did not believe, for the task's history. */
  refused(issueNumber: number, edit: RefusedBlockEdit): void {
    this.#store.saveRefused(issueNumber, edit);
  }

  refusals(issueNumber: number): RefusedBlockEdit[] {
    return this.#store.refused(issueNumber);
  }

  #note(webhook: Extract<GitHubWebhook, { kind: "issue" }>): void {
    const { action, issue, sender, changes } = webhook;
    const bodyEdited = action === "edited" && changes?.body !== undefined;
    if (editorOf(sender, issue) === "baton") {
      if (action === "opened" || bodyEdited)
        this.#store.saveWritten(issue.number, blockOf(issue.body), issue.updated_at, true);
      return;
    }
    if (!bodyEdited || this.#store.written(issue.number)) return;
    const before = { ...issue, body: changes?.body?.from ?? null };
    this.#store.seed(issue.number, believedBlock(before, undefined, this.#appId()));
  }
}
