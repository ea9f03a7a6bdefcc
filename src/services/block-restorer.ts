import type { IssueGateway } from "../github/issue-gateway.js";
import type { GitHubWebhook } from "../github/webhook-payloads.js";
import { blockOf, editorOf } from "../tasks/metadata-block.js";
import type { MetadataBlocks } from "./metadata-blocks.js";
import type { TaskService } from "./task-service.js";

/**
 * DESIGN §3a: an edit of a task's metadata block by someone else than Baton is not believed
 * (docs/trust.md). A writer's edit is written back: Baton's block in place of theirs, the rest of
 * the body (their text) as they left it, one write at most per edit. A stranger (who can only
 * edit an issue they opened) is ignored without a write, so nothing a stranger does costs one.
 * Baton's own edits are never written back, so its restoring write cannot loop.
 */
export class BlockRestorer {
  readonly #gateway: Pick<IssueGateway, "getIssue" | "updateIssue">;
  readonly #blocks: Pick<MetadataBlocks, "believe" | "refused">;
  readonly #tasks: Pick<TaskService, "locked" | "isTask">;
  readonly #log: ((message: string, details?: Record<string, unknown>) => void) | undefined;

  constructor(options: {
    gateway: Pick<IssueGateway, "getIssue" | "updateIssue">;
    blocks: Pick<MetadataBlocks, "believe" | "refused">;
    tasks: Pick<TaskService, "locked" | "isTask">;
    log?: (message: string, details?: Record<string, unknown>) => void;
  }) {
    this.#gateway = options.gateway;
    this.#blocks = options.blocks;
    this.#tasks = options.tasks;
    this.#log = options.log;
  }

  /** `issues.edited`, as GitHub sent it (the body as edited, not as Baton believes it). */
  async edited(webhook: GitHubWebhook): Promise<void> {
    if (webhook.kind !== "issue" || webhook.action !== "edited" || !webhook.changes?.body) return;
    const { issue, sender, changes } = webhook;
    const editor = editorOf(sender, issue);
    if (editor === "baton" || blockOf(changes.body?.from) === blockOf(issue.body)) return;
    if (!this.#tasks.isTask(issue)) return; // not Baton's: its block means nothing
    const restore = editor === "writer";
    this.#blocks.refused(issue.number, {
      login: sender.login,
      at: issue.updated_at,
      restored: restore,
    });
    this.#log?.("did not believe an edit of a metadata block", {
      issue: issue.number,
      login: sender.login,
      editor,
    });
    if (restore) await this.#restore(issue.number);
  }

  /** Reads the body as it is now (a later edit of the text is kept) and puts Baton's block back. */
  async #restore(issueNumber: number): Promise<void> {
    await this.#tasks.locked(issueNumber, async () => {
      const current = await this.#gateway.getIssue(issueNumber, { raw: true });
      if (!current) return;
      const body = this.#blocks.believe(current).body ?? "";
      if (body !== (current.body ?? "")) await this.#gateway.updateIssue(issueNumber, { body });
    });
  }
}
