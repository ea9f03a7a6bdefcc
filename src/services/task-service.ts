import type { Caller } from "../tasks/access.js";
import type { AgentService } from "../agents/agent-service.js";
import type { GitHubIssue } from "../tasks/github-issue.js";
import type { IssueGateway } from "../github/issue-gateway.js";
import type { RecentChanges } from "../github/recent-changes.js";
import { findInDoubt, freshIntent, writeOnce, type WriteIntent } from "../idempotency.js";
import type { SubIssueGateway } from "../github/sub-issue-gateway.js";
import type { Journal } from "../store/journal-store.js";
import { decodeComment, encodeAgentComment, isFromApp } from "../tasks/comment-codec.js";
import { decodeIssue, type DecodedIssue } from "../tasks/issue-codec.js";
import type { IssueWrite } from "../tasks/issue-writes.js";
import {
  planComplete,
  planContextPatch,
  DELETE_WRITE,
  planDelete,
  planMarkDelegated,
  planReopen,
  planUpdate,
  rejectDelegationFields,
  rejectServerOnly,
} from "../tasks/task-planners.js";
import type { Comment, Task, TaskCreate, TaskUpdate } from "../tasks/task-schema.js";
import type { TaskFilters } from "../tasks/task-filters.js";
import type { Stats } from "../tasks/task-stats.js";
import type { ProjectService } from "./project-service.js";
import type { DuplicateGuard } from "./duplicate-guard.js";
import { TaskCreation, type CreateOptions } from "./create-task.js";
import {
  TaskIssues,
  type Need,
  type TaskClaimHooks,
  type TaskDependencyHooks,
} from "./task-issues.js";
import type { TaskMirror } from "./task-mirror.js";
import { TaskReads } from "./task-reads.js";

import type { DistributedLock } from "../store/distributed-lock.js";

export interface TaskServiceOptions {
  gateway: IssueGateway;
  /** Finds a write whose answer was lost, by its nonce. */
  changes: Pick<RecentChanges, "issueWithNonce" | "commentWithNonce">;
  subIssues: SubIssueGateway;
  /** BATON_MAX_DEPTH: the deepest delegation_depth a child may have. */
  maxDepth: number;
  agents: AgentService;
  projects: ProjectService;
  journal: Journal;
  /** The App's id: comments it wrote are agents' comments. */
  appId: () => number | undefined;
  /** Dedup before create; absent = no check. */
  guard?: DuplicateGuard;
  /** Claims (issue #17): the ready queue's index, claim fields, and the claim guard. */
  claims?: TaskClaimHooks;
  /** Dependencies (issue #17): the task fields, and reads back from GitHub when they drifted. */
  dependencies?: TaskDependencyHooks;
  /** Issue #20: reads answered from the store's mirror of the tasks; absent = every read asks GitHub. */
  mirror?: Pick<TaskMirror, "ready" | "get" | "all">;
  /** Replicas (PostgreSQL): the per-issue lock is also taken in the database. */
  lock?: DistributedLock;
  now?: () => Date;
}

/**
 * The task operations of the API, on issues. Each write is one GitHub request after a conditional
 * read (a `304` is free), done under a per-issue lock so two writers never interleave.
 */
export class TaskService {
  readonly #gateway: IssueGateway;
  readonly #changes: Pick<RecentChanges, "issueWithNonce" | "commentWithNonce">;
  readonly #subIssues: SubIssueGateway;
  readonly #agents: AgentService;
  readonly #projects: ProjectService;
  readonly #journal: Journal;
  readonly #appId: () => number | undefined;
  readonly #guard: DuplicateGuard | undefined;
  readonly #now: () => Date;
  readonly #claimGuard: TaskClaimHooks["claimGuard"];
  readonly #issues: TaskIssues;
  readonly #creation: TaskCreation;
  readonly #reads: TaskReads;
  constructor(options: TaskServiceOptions) {
    this.#gateway = options.gateway;
    this.#changes = options.changes;
    this.#subIssues = options.subIssues;
    this.#agents = options.agents;
    this.#projects = options.projects;
    this.#journal = options.journal;
    this.#appId = options.appId;
    this.#guard = options.guard;
    this.#now = options.now ?? (() => new Date());
    this.#claimGuard = options.claims?.claimGuard;
    this.#issues = new TaskIssues(options);
    this.#creation = new TaskCreation({ ...options, issues: this.#issues });
    this.#reads = new TaskReads({ ...options, issues: this.#issues, now: this.#now });
  }

  /**
   * Creates a task. With `parent_task_id` it is a delegation: the child is created as a sub-issue
   * of the parent (the same path as `POST /tasks/{id}/delegate`). A create in doubt
   * (src/idempotency.ts) looks for its issue first, so a retry never meets itself as a duplicate.
   */
  async create(caller: Caller, input: TaskCreate, options: CreateOptions = {}): Promise<Task> {
    rejectServerOnly(input);
    const asked = options.intent ?? freshIntent();
    const existing = await findInDoubt(asked, (since) => this.findCreated(asked.nonce, since));
    if (existing) return existing;
    // Looked for already: not there.
    const intent = { ...asked, inDoubtSince: null };
    return this.#creation.create(caller, input, { ...options, intent });
  }

  /** `POST /tasks/dedup`: the same question a create asks, without creating. */
  async findDuplicates(
    caller: Caller,
    query: {
      content: string;
      description?: string | null;
      project_id?: number | string | null;
      threshold?: number;
    },
  ) {
    if (!this.#guard) return { has_duplicates: false, matches: [], possible_duplicates: [] };
    const project =
      query.project_id != null ? await this.#projects.resolve(query.project_id) : null;
    const text = { ...query, projectSlug: project?.slug ?? null };
    return this.#guard.check(caller, text, query.threshold);
  }

  /** The open issues, for the dedup index at start. */
  async openIssuesForIndex(open = () => this.#gateway.listIssues({ state: "open" })) {
    const issues = await open();
    return issues.filter((i) => this.isTask(i)).map((issue) => this.#issues.forIndex(issue));
  }

  /** Finds the issue an earlier attempt in doubt made (same nonce, updated since `since`). */
  async findCreated(nonce: string, since: string): Promise<Task | null> {
    const issue = await this.#changes.issueWithNonce(nonce, since);
    if (!issue) return null;
    const task = await this.toTask(issue);
    // An interrupted delegation: the child exists (linked, one request); finish the parent's label.
    const parentId = task.parent_task_id;
    if (parentId !== null) {
      await this.#issues.locked(parentId, async () => {
        const parent = await this.#gateway.getIssue(parentId);
        const write = parent ? planMarkDelegated(parent, decodeIssue(parent)) : null;
        if (parent && write)
          await this.writeIssue(task.created_by_agent_id ?? undefined, parent, write, "delegated");
      });
    }
    return task;
  }

  get(caller: Caller, id: number): Promise<Task> {
    return this.#reads.get(caller, id);
  }

  list(caller: Caller, filters: TaskFilters): Promise<Task[]> {
    return this.#reads.list(caller, filters);
  }

  /** The list read from GitHub's issues, whatever the mirror holds. */
  listFromGitHub(caller: Caller, filters: TaskFilters): Promise<Task[]> {
    return this.#reads.listFromGitHub(caller, filters);
  }

  async update(caller: Caller, id: number, input: TaskUpdate): Promise<Task> {
    rejectServerOnly(input);
    rejectDelegationFields(input);
    return this.#issues.locked(id, async () => {
      const { issue, decoded, task } = await this.load(caller, id, "write");
      // undefined keeps the current value, null clears it.
      const assignee =
        input.assigned_to_agent_id == null
          ? input.assigned_to_agent_id
          : this.#agents.requireAssignable(input.assigned_to_agent_id).id;
      const projectSlug =
        input.project_id == null
          ? input.project_id
          : (await this.#projects.resolve(input.project_id)).slug;
      const write = planUpdate(issue, decoded, { ...input, assignee, projectSlug }, caller.id);
      const updated = await this.#write(caller, issue, write, "updated");
      // Completing releases the claim (the write already cleared it from the issue).
      if (updated.completed && !task.completed)
        this.#claimGuard?.closed(id, caller.id, "completed");
      return updated;
    });
  }

  async complete(caller: Caller, id: number): Promise<Task> {
    return this.#issues.locked(id, async () => {
      const { issue, decoded, task } = await this.load(caller, id, "write");
      const write = planComplete(issue, decoded, caller.id);
      if (!write) return task;
      const done = await this.#write(caller, issue, write, "completed");
      this.#claimGuard?.closed(id, caller.id, "completed");
      return done;
    });
  }

  async uncomplete(caller: Caller, id: number): Promise<Task> {
    return this.#issues.locked(id, async () => {
      const { issue, decoded, task } = await this.load(caller, id, "write");
      const write = planReopen(issue, decoded);
      return write ? this.#write(caller, issue, write, "reopened") : task;
    });
  }

  /**
   * GitHub Apps cannot delete issues: a deleted task is closed as not planned, and then hidden.
   * Its open descendants are closed as not planned too (409 if the caller may not change one of
   * them), so no open task is left under a deleted parent.
   */
  async remove(caller: Caller, id: number): Promise<void> {
    await this.#issues.locked(id, async () => {
      const { issue } = await this.load(caller, id, "write");
      const open = await this.#openDescendants(issue);
      const children = open.map((child) => ({
        number: child.number,
        decoded: this.#issues.decode(child),
      }));
      await this.#write(caller, issue, planDelete(caller, id, children), "deleted");
      this.#claimGuard?.closed(id, caller.id, "deleted");
      await this.#closeAll(caller.id, open);
    });
  }

  /**
   * Closes the open descendants of a deleted task (a person closed it as not planned on
   * github.com, or an API delete was interrupted). Parents first, so no roll-up sees a parent
   * whose children all closed and reopens it.
   */
  async closeOpenDescendants(issue: GitHubIssue, agentId: string | undefined): Promise<number[]> {
    const open = await this.#openDescendants(issue);
    await this.#closeAll(agentId, open);
    return open.map((child) => child.number);
  }

  /** Every open issue below this one, parents first (a completed child may have open ones). */
  async #openDescendants(issue: GitHubIssue): Promise<GitHubIssue[]> {
    const summary = issue.sub_issues_summary;
    if (summary && summary.total === 0) return [];
    const tree = await this.#subIssues.readTree(issue.number);
    return tree
      .filter((e) => e.level > 0 && e.issue.state === "open" && this.isTask(e.issue))
      .map((entry) => entry.issue);
  }

  /** Closes them as not planned, each a journalled write that also leaves the dedup index. */
  async #closeAll(agentId: string | undefined, issues: GitHubIssue[]): Promise<void> {
    for (const issue of issues) await this.writeIssue(agentId, issue, DELETE_WRITE, "deleted");
  }

  async listComments(caller: Caller, id: number): Promise<Comment[]> {
    await this.load(caller, id, "read");
    const comments = await this.#gateway.listComments(id);
    const appId = this.#appId();
    return comments.flatMap((comment) => {
      const decoded = decodeComment({ ...comment, fromApp: isFromApp(comment, appId) });
      return decoded
        ? [
            {
              id: comment.id,
              task_id: id,
              ...decoded,
              created_at: comment.created_at,
              url: comment.html_url,
            },
          ]
        : [];
    });
  }

  async addComment(
    caller: Caller,
    id: number,
    content: string,
    intent: WriteIntent = freshIntent(),
  ): Promise<Comment> {
    await this.load(caller, id, "comment");
    const agent = this.#agents.get(caller.id);
    const body = encodeAgentComment(agent, content, intent.nonce);
    const comment = await writeOnce(
      intent,
      () => this.#gateway.createComment(id, body),
      (since) => this.#changes.commentWithNonce(id, intent.nonce, since),
    );
    this.#journal.record(id, "commented", caller.id);
    return {
      id: comment.id,
      task_id: id,
      content,
      author: caller.id,
      author_type: "agent",
      created_at: comment.created_at,
      url: comment.html_url,
    };
  }

  async getContext(
    caller: Caller,
    id: number,
  ): Promise<{ task_id: number; context: Record<string, unknown>; version: number }> {
    const { task } = await this.load(caller, id, "read");
    return { task_id: id, context: task.context, version: task.context_version };
  }

  /**
   * Merges keys into the task's context (JSON merge patch). With `expected_version`, a stale writer
   * gets 409 and the current version instead of overwriting someone else's keys.
   */
  async patchContext(
    caller: Caller,
    id: number,
    patch: Record<string, unknown>,
    expectedVersion: number | undefined,
  ): Promise<{ task_id: number; context: Record<string, unknown>; version: number }> {
    return this.#issues.locked(id, async () => {
      const { issue, decoded } = await this.load(caller, id, "write");
      const write = planContextPatch(decoded, patch, expectedVersion);
      const task = await this.#write(caller, issue, write, "context");
      return { task_id: id, context: task.context, version: task.context_version };
    });
  }

  stats(caller: Caller): Promise<Stats> {
    return this.#reads.stats(caller);
  }

  /** DESIGN §3a: Baton created the issue, or a person with write access handed it over. */
  isTask(issue: GitHubIssue): boolean {
    return this.#issues.isTask(issue);
  }

  /** Keeps the dedup index in step with an issue's state (after a write, or from a webhook). */
  reindex(issue: GitHubIssue): Promise<void> {
    return this.#issues.reindex(issue);
  }

  /** An issue as the API's task (agents and project resolved from Baton's own records). */
  toTask(issue: GitHubIssue, decoded?: DecodedIssue): Promise<Task> {
    return this.#issues.toTask(issue, decoded);
  }

  /** Reads a task for a caller: 404 when it may not see it, 403 when it may not act on it. */
  load(caller: Caller, id: number, need: Need) {
    return this.#issues.load(caller, id, need);
  }

  /** One write to an issue, journalled for the agent that caused it (none for a person). */
  writeIssue(agentId: string | undefined, issue: GitHubIssue, write: IssueWrite, kind: string) {
    return this.#issues.writeIssue(agentId, issue, write, kind);
  }

  /** Runs `task` alone for this issue (the same lock every API write takes). */
  locked<T>(id: number, task: () => Promise<T>): Promise<T> {
    return this.#issues.locked(id, task);
  }

  async #write(caller: Caller, issue: GitHubIssue, write: IssueWrite, kind: string): Promise<Task> {
    return this.toTask(await this.writeIssue(caller.id, issue, write, kind));
  }
}
