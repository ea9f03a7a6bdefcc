import type { GitHubIssue } from "../tasks/github-issue.js";
import {
  readDelivery,
  type Delivery,
  type GitHubWebhook,
  type Sender,
} from "../github/webhook-payloads.js";
import type { LabelAdded } from "../tasks/agent-label-refusal.js";

/**
 * Before and after the steps: the metadata block is Baton's alone (DESIGN §3a, docs/trust.md).
 * `observe` is local and comes first, so every step reads the issue as Baton believes it;
 * `edited` writes Baton's block back over someone else's edit, last.
 */
export interface BlockStep {
  observe(webhook: GitHubWebhook): GitHubWebhook;
  edited(webhook: GitHubWebhook): Promise<void>;
}

/** A dependency changed on GitHub (`issue_dependencies`), as the router hands it on. */
export type DependencyChanged = Omit<Extract<GitHubWebhook, { kind: "dependency" }>, "kind">;

/**
 * Step 1: Baton's caches of GitHub (the dedup index, the label set, the dependencies between
 * tasks). Local, no GitHub call except a read back when an issue's dependency totals drifted.
 */
export interface CacheStep {
  reindex(issue: GitHubIssue): Promise<void>;
  forget(issueNumber: number): void;
  forgetLabels(): void;
  dependencyChanged(change: DependencyChanged): void;
}

/** Step 2: the event relay (DESIGN §6), which commits the task event to the outbox. */
export interface RelayStep {
  accept(delivery: Pick<Delivery, "id" | "name">, webhook: GitHubWebhook): Promise<unknown>;
}

/**
 * Step 3: claims (issue #17). A task closed on github.com gives its live claim up at once, rather
 * than when its lease ends. In the store; the release is shown on GitHub by the lease keeper.
 */
export interface ClaimStep {
  issueClosed(issue: GitHubIssue, sender: Sender, reason: "completed" | "deleted"): void;
}

/** Step 4: the delegation lifecycle (DESIGN §4), which may write parents on GitHub. */
export interface ChainStep {
  issueOpened(issue: GitHubIssue): Promise<void>;
  issueClosed(issue: GitHubIssue): Promise<void>;
  issueReopened(issue: GitHubIssue): Promise<void>;
  linkChanged(link: { added: boolean; parent: number; child: number }): Promise<void>;
}

/** Step 5: labels people add that Baton cannot honour are taken off again (DESIGN §3a). */
export interface RefusalStep {
  labelAdded(issue: GitHubIssue, change: LabelAdded): Promise<void>;
}

export interface WebhookRouterOptions {
  /** The task repository, `owner/name`: webhooks from any other repository are dropped. */
  repository: string;
  blocks: BlockStep;
  caches: CacheStep;
  relay: RelayStep;
  claims: ClaimStep;
  chains: ChainStep;
  refusals: RefusalStep;
  /** Resolves when the steps may run: API requests in flight go first (util/api-activity.ts). */
  turn?: () => Promise<void>;
  log?: (message: string, details?: Record<string, unknown>) => void;
}

/** The events the relay records (each delivery once, by its id). */
const RELAYED = new Set(["issues", "issue_comment", "sub_issues"]);

/** Issue actions after which the dedup index re-reads the issue. */
const REINDEX = new Set(["opened", "edited", "reopened", "closed", "labeled", "unlabeled"]);

/**
 * The one entry point for GitHub's webhooks. Each delivery is parsed once (one zod schema per
 * event) and then goes through six steps, one after the other, in this order:
 *
 * 1. caches: the dedup index follows the issue, so a create right after sees the change; the
 *    task mirror and the dependencies follow too (a closed blocker unblocks its tasks; a link
 *    changed both its issues);
 * 2. relay: the task event is committed to the outbox before GitHub gets its 2xx, and before the
 *    chain step runs, so a child's `task.completed` precedes its parent's `task.chain_completed`;
 * 3. claims: a task closed on github.com is released (`task.released` after its `task.completed`);
 * 4. chains: parents roll up, links are repaired; these write to GitHub and may fail;
 * 5. refusals: a person's label Baton cannot honour (`agent:` naming no agent) is taken off;
 * 6. blocks: a metadata block someone else edited is written back (a writer's edit).
 *
 * Steps 1–5 read the webhook's issues as Baton believes them (its own metadata block, step 0);
 * step 6 reads it as GitHub sent it.
 *
 * A failing step does not stop the later ones (an event is never lost to a failed roll-up); the
 * failures are thrown together once, so GitHub's delivery log shows the webhook as failed.
 */
export class WebhookRouter {
  readonly #o: WebhookRouterOptions;

  constructor(options: WebhookRouterOptions) {
    this.#o = options;
  }

  async receive(delivery: Delivery): Promise<void> {
    const sent = readDelivery(delivery, this.#o.repository);
    if (sent.kind === "foreign") return;
    if (sent.kind === "ignore" && sent.unreadable)
      this.#o.log?.(sent.reason, { delivery: delivery.id });
    const webhook = this.#o.blocks.observe(sent);
    const failures: unknown[] = [];
    const steps = [
      () => this.#caches(webhook),
      () => this.#relay(delivery, webhook),
      () => this.#claims(webhook),
      () => this.#chains(webhook),
      () => this.#refusals(webhook),
      () => this.#o.blocks.edited(sent),
    ];
    // Once, not before every step: a webhook waits at most one turn, so it cannot fall far
    // behind the API writes that follow it (a stale dependency would be applied after them).
    await this.#o.turn?.();
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1)
      throw new AggregateError(failures, `${failures.length} steps failed for ${delivery.name}`);
  }

  async #caches(webhook: GitHubWebhook): Promise<void> {
    const { caches } = this.#o;
    if (webhook.kind === "label" && webhook.sender?.type !== "Bot") caches.forgetLabels();
    if (webhook.kind === "dependency") {
      const { added, blocked, blocker, sender } = webhook;
      caches.dependencyChanged({ added, blocked, blocker, sender });
    }
    if (webhook.kind === "link") {
      // A link changes both issues on GitHub (their updated_at): the mirror takes them as sent.
      await caches.reindex(webhook.parent);
      await caches.reindex(webhook.child);
      return;
    }
    if (webhook.kind !== "issue") return;
    if (webhook.action === "deleted" || webhook.action === "transferred")
      caches.forget(webhook.issue.number);
    else if (REINDEX.has(webhook.action)) await caches.reindex(webhook.issue);
  }

  async #relay(delivery: Delivery, webhook: GitHubWebhook): Promise<void> {
    if (!RELAYED.has(delivery.name)) return;
    await this.#o.relay.accept(delivery, webhook);
  }

  #claims(webhook: GitHubWebhook): void {
    if (webhook.kind !== "issue") return;
    const reason = closedAs(webhook);
    if (reason) this.#o.claims.issueClosed(webhook.issue, webhook.sender, reason);
  }

  async #refusals(webhook: GitHubWebhook): Promise<void> {
    if (webhook.kind !== "issue" || webhook.action !== "labeled") return;
    const { issue, action, label, sender } = webhook;
    await this.#o.refusals.labelAdded(issue, { action, label, sender });
  }

  async #chains(webhook: GitHubWebhook): Promise<void> {
    const { chains } = this.#o;
    if (webhook.kind === "link") {
      const { added, parent, child } = webhook;
      await chains.linkChanged({ added, parent: parent.number, child: child.number });
      return;
    }
    if (webhook.kind !== "issue") return;
    if (webhook.action === "opened") await chains.issueOpened(webhook.issue);
    else if (webhook.action === "closed") await chains.issueClosed(webhook.issue);
    else if (webhook.action === "reopened") await chains.issueReopened(webhook.issue);
  }
}

/** Why an issue webhook ends its task, in the reasons `task.released` gives; null: it does not. */
function closedAs({
  action,
  issue,
}: Extract<GitHubWebhook, { kind: "issue" }>): "completed" | "deleted" | null {
  // Closed as not planned is Baton's "deleted" (DESIGN §3); moved away or deleted, gone too.
  if (action === "closed") return issue.state_reason === "not_planned" ? "deleted" : "completed";
  return action === "deleted" || action === "transferred" ? "deleted" : null;
}
