import { randomUUID } from "node:crypto";
import { canRead } from "../tasks/access.js";
import type { AgentService } from "../agents/agent-service.js";
import type { GitHubIssue } from "../tasks/github-issue.js";
import type { Journal } from "../store/journal-store.js";
import type { SqliteOutboxStore } from "../store/outbox-store.js";
import type { SqliteSubscriptionStore, SubscriptionRecord } from "../store/subscription-store.js";
import { decodeComment, isFromApp } from "../tasks/comment-codec.js";
import { decodeIssue } from "../tasks/issue-codec.js";
import { HANDOVER_LABEL } from "../tasks/labels.js";
import { editorOf, onlyBlockEdited } from "../tasks/metadata-block.js";
import { refusedAgentLabel } from "../tasks/agent-label-refusal.js";
import type { Comment, Task } from "../tasks/task-schema.js";
import type { TaskLink } from "../tasks/task-links.js";
import type { TaskService } from "../services/task-service.js";
import type { Actor, Changes, EventType, TaskEvent } from "./event-schema.js";
import type { Delivery, GitHubWebhook, Sender } from "../github/webhook-payloads.js";
import { actorOf, causeOf, isBot } from "./trust.js";
import { classifyAction, classifyChange, type TaskState } from "./task-diff.js";

export interface RelayOptions {
  outbox: SqliteOutboxStore;
  subscriptions: SqliteSubscriptionStore;
  agents: AgentService;
  tasks: Pick<TaskService, "toTask" | "isTask">;
  journal: Journal;
  appId: () => number | undefined;
  /** Called after events were committed (wakes the delivery worker). */
  onEnqueued?: () => void;
  log?: (message: string, details?: Record<string, unknown>) => void;
  now?: () => Date;
}

export type IngestResult = "relayed" | "duplicate" | "ignored" | "untrusted" | "unchanged";

export interface RecordInput {
  event: EventType;
  task: Task;
  /** The agent that caused it, if an agent did. */
  agentId?: string | null;
  actor?: Actor | null;
  changes?: Changes;
  comment?: Comment;
  /** The task before the change: a subscriber that could see it then hears about the change. */
  before?: Task;
  /** Why it happened, when the event needs one (`task.released`). */
  reason?: string;
  /** The link added (`task.linked`). */
  link?: TaskLink;
}

/**
 * GitHub webhooks in, task events out (DESIGN §6). Each accepted webhook is turned into at most
 * one event and its deliveries in ONE SQLite transaction, before GitHub gets its 2xx.
 *
 * One change → one event: GitHub describes one edit in several webhooks (`edited`, `labeled`…,
 * `closed`), each carrying the issue's final state. The relay keeps its last view of every task
 * and diffs the webhook's issue against it: the first webhook of a change yields the event (the
 * most significant kind: deleted > completed > reopened > assigned > updated, with `changes`),
 * the others find nothing new and are dropped. A webhook older than the last view (`updated_at`)
 * is stale and dropped, which also keeps per-task order. Redeliveries are dropped by their
 * `X-GitHub-Delivery`.
 */
export class EventRelay {
  readonly #o: RelayOptions;
  readonly #now: () => Date;

  constructor(options: RelayOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Turns one parsed webhook into at most one event. `webhook` is the delivery's id and event
   * name (redeliveries are dropped by the id); `inbound` is what the router parsed from it.
   */
  async accept(
    webhook: Pick<Delivery, "id" | "name">,
    inbound: GitHubWebhook,
  ): Promise<IngestResult> {
    const at = () => this.#now().toISOString();
    const skip = (result: IngestResult, reason: string): IngestResult => {
      const fresh = this.#o.outbox.markInbound(webhook.id, webhook.name, at());
      if (result === "untrusted") this.#o.log?.("dropped an untrusted change", { reason });
      return fresh ? result : "duplicate";
    };
    switch (inbound.kind) {
      case "ignore":
        return skip("ignored", inbound.reason);
      case "foreign":
      case "label":
      case "dependency":
        return skip("ignored", `${webhook.name} is not a task event`);
      case "issue":
        return this.#issue(webhook, inbound, skip);
      case "comment": {
        const { issue, comment, sender } = inbound;
        if (!this.#o.tasks.isTask(issue)) return skip("untrusted", `issue #${issue.number}`);
        const decoded = decodeIssue(issue);
        if (decoded.deleted) return skip("ignored", "a comment on a deleted task");
        const read = decodeComment({ ...comment, fromApp: isFromApp(comment, this.#o.appId()) });
        if (!read) return skip("untrusted", `comment by ${comment.user?.login ?? "?"}`);
        const task = await this.#o.tasks.toTask(issue, decoded);
        const body: Comment = {
          id: comment.id,
          task_id: issue.number,
          ...read,
          created_at: comment.created_at,
          url: comment.html_url,
        };
        const who =
          read.author_type === "agent"
            ? { agentId: read.author, actor: null }
            : { agentId: null, actor: actorOf(sender) };
        // A comment is one event however it arrives (live, redelivered, read back by catch-up).
        return this.#commit(
          webhook,
          () => ({ event: "task.commented", task, comment: body, ...who }),
          `comment:${comment.id}`,
        );
      }
      case "link": {
        const { parent, child, sender } = inbound;
        // An unlink is no event of its own: the chain step corrects the child's position.
        if (!inbound.added) return skip("ignored", "a sub-issue unlinked");
        if (!this.#o.tasks.isTask(child) || !this.#o.tasks.isTask(parent))
          return skip("untrusted", `issue #${child.number} under #${parent.number}`);
        const decoded = decodeIssue(child);
        // Made by delegation: the child's `opened` already said task.delegated.
        if (decoded.meta.parent === parent.number) return skip("ignored", "announced at creation");
        const task = {
          ...(await this.#o.tasks.toTask(child, decoded)),
          parent_task_id: parent.number,
        };
        const who = this.#attribute(child, sender, false);
        return this.#commit(webhook, () => ({
          event: "task.delegated",
          task,
          changes: { parent_task_id: { from: decoded.meta.parent, to: parent.number } },
          ...who,
        }));
      }
    }
  }

  /** An `issues` webhook: at most one event, diffed against the relay's last view of the task. */
  async #issue(
    webhook: Pick<Delivery, "id" | "name">,
    inbound: Extract<GitHubWebhook, { kind: "issue" }>,
    skip: (result: IngestResult, reason: string) => IngestResult,
  ): Promise<IngestResult> {
    const { issue, sender, action } = inbound;
    if (!this.#o.tasks.isTask(issue))
      return skip("untrusted", `issue #${issue.number} by ${issue.user?.login ?? "?"}`);
    // Refused back on github.com (services/label-refusals.ts): no event believes it.
    const known = (id: string) => this.#o.agents.find(id) !== undefined;
    if (refusedAgentLabel({ action, label: inbound.label, sender }, known) !== null)
      return skip("untrusted", `${inbound.label?.name ?? "?"} names no agent`);
    const untrusted = untrustedChange(inbound);
    const decoded = decodeIssue(issue);
    const state: TaskState = {
      task: await this.#o.tasks.toTask(issue, decoded),
      // Deleted on GitHub or moved to another repository: gone for Baton too.
      deleted: decoded.deleted || action === "deleted" || action === "transferred",
    };
    const who = this.#attribute(issue, sender, action === "opened");
    const result = this.#commit(webhook, () => {
      const snap = this.#o.outbox.snapshot(issue.number);
      if (snap && snap.updated_at > issue.updated_at) return undefined; // stale
      const before = snap ? (JSON.parse(snap.task) as TaskState) : undefined;
      // Followed even when untrusted, so a later event never reports this change as its own.
      this.#o.outbox.saveSnapshot(issue.number, issue.updated_at, JSON.stringify(state));
      if (untrusted) return undefined;
      if (before) {
        const change = classifyChange(before, state, {
          claimDisplayWrite:
            isBot(sender) && this.#o.journal.kindOf(issue.number, issue.updated_at) === "claim",
        });
        return change && { ...change, task: state.task, before: before.task, ...who };
      }
      // A person handing an issue over (the `baton:task` label) creates the task.
      const handedOver = action === "labeled" && inbound.label?.name === HANDOVER_LABEL;
      const event =
        action === "opened" && state.task.parent_task_id !== null
          ? "task.delegated"
          : handedOver
            ? "task.created"
            : classifyAction(action, state);
      return event && { event, task: state.task, ...who };
    });
    if (!untrusted || result !== "unchanged") return result;
    this.#o.log?.("dropped an untrusted change", { reason: untrusted });
    return "untrusted";
  }

  /**
   * Records an event that no webhook carries (e.g. `task.chain_completed`), durably. With
   * `followsWrite`, the event comes of Baton's own write to the task, whose webhook may not have
   * arrived yet: that write's change goes out first (its webhook then finds nothing new), so
   * subscribers hear of the task's change before what it led to.
   */
  record(input: RecordInput, options: { followsWrite?: boolean } = {}): TaskEvent {
    const { event, deliveries } = this.#o.outbox.transaction(() => {
      const first = options.followsWrite ? this.#writeBefore(input) : 0;
      const inserted = this.#insert(input);
      return { event: inserted.event, deliveries: first + inserted.deliveries };
    });
    if (deliveries > 0) this.#o.onEnqueued?.();
    return event;
  }

  /** The change of the task since the relay's last view of it, as its webhook would relay it. */
  #writeBefore(input: RecordInput): number {
    const { task } = input;
    const snap = this.#o.outbox.snapshot(task.id);
    if (!snap || snap.updated_at >= task.updated_at) return 0;
    const before = JSON.parse(snap.task) as TaskState;
    const state: TaskState = { task, deleted: false };
    this.#o.outbox.saveSnapshot(task.id, task.updated_at, JSON.stringify(state));
    const change = classifyChange(before, state);
    if (!change) return 0;
    const who = {
      agentId: input.agentId ?? null,
      actor: input.agentId ? null : (input.actor ?? null),
    };
    return this.#insert({ ...change, task, before: before.task, ...who }).deliveries;
  }

  /** Who caused a change: the agent whose write the journal matches, else the GitHub user. */
  #attribute(
    issue: GitHubIssue,
    sender: Sender,
    opened: boolean,
  ): { agentId: string | null; actor: Actor | null } {
    return causeOf(
      sender,
      () =>
        (opened ? decodeIssue(issue).meta.created_by : null) ??
        this.#o.journal.writerOf(issue.number, issue.updated_at),
    );
  }

  #commit(
    webhook: Pick<Delivery, "id" | "name">,
    build: () => RecordInput | undefined,
    changeKey?: string,
  ): IngestResult {
    let deliveries = 0;
    const result = this.#o.outbox.transaction((): IngestResult => {
      const at = this.#now().toISOString();
      if (!this.#o.outbox.markInbound(webhook.id, webhook.name, at)) return "duplicate";
      if (changeKey && !this.#o.outbox.markInbound(changeKey, webhook.name, at)) return "duplicate";
      const input = build();
      if (!input) return "unchanged";
      deliveries = this.#insert(input).deliveries;
      return "relayed";
    });
    // No subscriber wanted it: nothing to send, so the worker need not look.
    if (deliveries > 0) this.#o.onEnqueued?.();
    return result;
  }

  /** Writes the event and one delivery per subscription that wants it. */
  #insert(input: RecordInput): { event: TaskEvent; deliveries: number } {
    const now = this.#now();
    const at = now.toISOString();
    const agent = input.agentId ? this.#o.agents.find(input.agentId) : undefined;
    const event: TaskEvent = {
      id: `evt_${randomUUID()}`,
      event: input.event,
      timestamp: at,
      task: input.task,
      agent: input.agentId
        ? {
            id: input.agentId,
            name: agent?.name ?? input.agentId,
            display_name: agent?.display_name ?? null,
          }
        : null,
      actor: input.actor ?? null,
      ...(input.comment ? { comment: input.comment } : {}),
      ...(input.changes && Object.keys(input.changes).length > 0 ? { changes: input.changes } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.link ? { link: input.link } : {}),
    };
    this.#o.outbox.insertEvent(
      {
        id: event.id,
        event: event.event,
        issue_number: input.task.id,
        body: JSON.stringify(event),
      },
      at,
    );
    let deliveries = 0;
    for (const sub of this.#o.subscriptions.active()) {
      if (!this.#wants(sub, input)) continue;
      deliveries++;
      this.#o.outbox.enqueue(
        {
          id: `dlv_${randomUUID()}`,
          subscription_id: sub.id,
          event_id: event.id,
          issue_number: input.task.id,
        },
        now.getTime(),
        at,
      );
    }
    return { event, deliveries };
  }

  /** Event, project and agent filters, and the owner may see the task (now or before). */
  #wants(sub: SubscriptionRecord, input: RecordInput): boolean {
    if (!sub.events.includes("*") && !sub.events.includes(input.event)) return false;
    const views = input.before ? [input.task, input.before] : [input.task];
    if (sub.project_id !== null && !views.some((t) => t.project_id === sub.project_id))
      return false;
    if (
      sub.agent_id !== null &&
      !views.some(
        (t) => t.assigned_to_agent_id === sub.agent_id || t.created_by_agent_id === sub.agent_id,
      )
    )
      return false;
    const owner = this.#o.agents.find(sub.owner_agent_id);
    if (!owner?.active) return false;
    const reader = { id: owner.id, role: owner.role, projectIds: owner.project_ids };
    return views.some((t) => canRead(reader, t));
  }
}

/**
 * Why an issue change is no event, or null when it may be one. The author of a handed-over issue
 * may lack write access: GitHub still lets them edit, close and reopen it, but no agent hears
 * from them (DESIGN §6). Someone else's edit of the metadata block alone is not believed
 * (docs/trust.md).
 */
function untrustedChange(inbound: Extract<GitHubWebhook, { kind: "issue" }>): string | null {
  const { issue, sender, action, changes } = inbound;
  const editor = editorOf(sender, issue);
  if (editor === "stranger") return `${action} of #${issue.number} by its author ${sender.login}`;
  if (action === "edited" && changes && editor !== "baton" && onlyBlockEdited(changes, issue.body))
    return `the metadata block of #${issue.number} by ${sender.login}`;
  return null;
}
