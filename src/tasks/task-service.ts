import { randomUUID } from "node:crypto";
import { canComment, canRead, canWrite, type Caller } from "../agents/access.js";
import type { AgentService } from "../agents/agent-service.js";
import { errors } from "../errors.js";
import type { GitHubIssue } from "../github/github-types.js";
import type { IssueGateway, IssueWrite } from "../github/issue-gateway.js";
import type { SubIssueGateway } from "../github/sub-issue-gateway.js";
import type { Journal } from "../store/journal-store.js";
import { KeyedMutex } from "../util/keyed-mutex.js";
import { isPlainObject, mergePatch } from "../util/merge-patch.js";
import { decodeComment, encodeAgentComment } from "./comment-codec.js";
import {
  decodeIssue,
  encodeTask,
  TaskMetaSchema,
  type DecodedIssue,
  type TaskFields,
  ownershipOf,
} from "./issue-codec.js";
import { positionUnder, ROOT_POSITION, type Position } from "./delegation-rules.js";
import { changedParts, completionWrite, reopeningWrite } from "./issue-writes.js";
import { agentLabel, priorityLabel, projectLabel } from "./labels.js";
import type { ProjectService } from "./project-service.js";
import type { DedupMatch } from "../dedup/index.js";
import type { DuplicateGuard } from "./duplicate-guard.js";
import type { Comment, Task, TaskCreate, TaskUpdate } from "./task-schema.js";
import { matchesFilters, type TaskFilters } from "./task-filters.js";
import { computeStats, type Stats } from "./task-stats.js";

export interface TaskServiceOptions {
  gateway: IssueGateway;
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
  now?: () => Date;
}

/** GitHub's body limit is 65,536 characters; keep the context well inside it. */
const MAX_CONTEXT_CHARS = 32_000;

const SERVER_ONLY = ["root_task_id", "delegation_depth"] as const;

/**
 * The task operations of the API, on issues. Each write is one GitHub request after a conditional
 * read (a `304` is free), done under a per-issue lock so two writers never interleave.
 */
export class TaskService {
  readonly #gateway: IssueGateway;
  readonly #subIssues: SubIssueGateway;
  readonly #maxDepth: number;
  readonly #agents: AgentService;
  readonly #projects: ProjectService;
  readonly #journal: Journal;
  readonly #appId: () => number | undefined;
  readonly #guard: DuplicateGuard | undefined;
  readonly #now: () => Date;
  readonly #locks = new KeyedMutex();
  /** Decoding is pure; an issue is unchanged while its updated_at is (lists re-read many). */
  readonly #decoded = new Map<string, DecodedIssue>();

  #decode(issue: GitHubIssue): DecodedIssue {
    const key = `${issue.number}@${issue.updated_at}@${issue.state}`;
    let decoded = this.#decoded.get(key);
    if (!decoded) {
      decoded = decodeIssue(issue);
      if (this.#decoded.size >= 5000) this.#decoded.delete(this.#decoded.keys().next().value!);
      this.#decoded.set(key, decoded);
    }
    return decoded;
  }

  constructor(options: TaskServiceOptions) {
    this.#gateway = options.gateway;
    this.#subIssues = options.subIssues;
    this.#maxDepth = options.maxDepth;
    this.#agents = options.agents;
    this.#projects = options.projects;
    this.#journal = options.journal;
    this.#appId = options.appId;
    this.#guard = options.guard;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Creates a task. With `parent_task_id` it is a delegation: the child is created as a sub-issue
   * of the parent (the same path as `POST /tasks/{id}/delegate`). Either way the dedup check runs
   * first, unless skipped.
   */
  async create(
    caller: Caller,
    input: TaskCreate,
    options: { nonce?: string; skipDedup?: boolean } = {},
  ): Promise<Task> {
    rejectServerOnly(input);
    const nonce = options.nonce ?? randomUUID();
    const parentId = input.parent_task_id;
    const run = async (possible: DedupMatch[] = []) => {
      const seen = possible.map((match) => match.task_id);
      const { task, issue } =
        parentId != null
          ? await this.#delegate(caller, parentId, input, nonce, seen)
          : await this.#createRoot(caller, input, nonce, seen);
      const result: Task = this.#guard ? { ...task, possible_duplicates: possible } : task;
      return { result, issue: this.#forIndex(issue) };
    };
    if (!this.#guard) return (await run()).result;
    const project =
      input.project_id != null ? await this.#projects.resolve(input.project_id) : null;
    const text = {
      content: input.content,
      description: input.description,
      projectSlug: project?.slug ?? null,
      parentId,
    };
    const skip = input.allow_duplicate === true || options.skipDedup === true;
    return this.#guard.guard(caller, text, { skip }, run);
  }

  async #createRoot(caller: Caller, input: TaskCreate, nonce: string, possible: number[]) {
    const fields = await this.#newTask(caller, input, nonce, ROOT_POSITION, false, possible);
    const issue = await this.#gateway.createIssue(encodeTask(fields), nonce);
    this.#journal.stamp(this.#journal.record(issue.number, "created", caller.id), issue.updated_at);
    return { task: await this.toTask(issue), issue };
  }

  /**
   * Delegation: checks every limit first (nothing is created when one fails), then one GraphQL
   * request creates the linked child and at most one more marks the parent `status:delegated`.
   * Under the parent's lock, so concurrent delegations count children correctly.
   */
  async #delegate(
    caller: Caller,
    parentId: number,
    input: TaskCreate,
    nonce: string,
    possible: number[],
  ) {
    return this.#locks.run(parentId, async () => {
      const { issue: parent, decoded } = await this.load(caller, parentId, "write");
      const position = positionUnder(parent, decoded, this.#maxDepth);
      const fields = await this.#newTask(
        caller,
        input,
        nonce,
        position,
        input.auto_complete_parent ?? false,
        possible,
      );
      const child = await this.#subIssues.createSubIssue(
        encodeTask(fields),
        { number: parent.number, nodeId: parent.node_id },
        nonce,
      );
      this.#journal.stamp(
        this.#journal.record(child.number, "delegated", caller.id),
        child.updated_at,
      );
      await this.#markDelegated(caller.id, parent, decoded);
      return { task: await this.toTask(child), issue: child };
    });
  }

  /** Sets `status:delegated` on an open parent (one label write; nothing when already set). */
  async #markDelegated(agentId: string | undefined, issue: GitHubIssue, decoded: DecodedIssue) {
    if (decoded.closed || decoded.status === "delegated") return;
    const write = changedParts(issue, { ...decoded, status: "delegated" });
    if (write.labels) await this.writeIssue(agentId, issue, { labels: write.labels }, "delegated");
  }

  async #newTask(
    caller: Caller,
    input: TaskCreate,
    nonce: string,
    position: Position,
    autoCompleteParent: boolean,
    possibleDuplicates: number[] = [],
  ): Promise<TaskFields> {
    const assignee = input.assigned_to_agent_id
      ? this.#agents.requireAssignable(input.assigned_to_agent_id).id
      : null;
    const project =
      input.project_id != null ? await this.#projects.resolve(input.project_id) : null;
    const fields: TaskFields = {
      content: input.content,
      description: input.description ?? null,
      priority: input.priority ?? 2,
      labels: input.labels ?? [],
      projectSlug: project?.slug ?? null,
      assignee,
      status: input.status ?? "open",
      meta: TaskMetaSchema.parse({
        created_by: caller.id,
        ...position,
        auto_complete_parent: autoCompleteParent,
        due_date: input.due_date ?? null,
        due_time: input.due_time ?? null,
        context: input.context ?? {},
        nonce,
        possible_duplicates: possibleDuplicates,
      }),
    };
    checkContextSize(fields.meta.context);
    return fields;
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
    return this.#guard.check(
      caller,
      {
        content: query.content,
        description: query.description,
        projectSlug: project?.slug ?? null,
      },
      query.threshold,
    );
  }

  /** Keeps the dedup index in step with an issue's state (after a write, or from a webhook). */
  async reindex(issue: GitHubIssue): Promise<void> {
    await this.#guard?.index(this.#forIndex(issue));
  }

  #forIndex(issue: GitHubIssue) {
    return { number: issue.number, url: issue.html_url, decoded: this.#decode(issue) };
  }

  /** The open issues, for the dedup index at start. */
  async openIssuesForIndex() {
    const issues = await this.#gateway.listIssues({ state: "open" });
    return issues.map((issue) => this.#forIndex(issue));
  }

  /** Finds the issue an earlier, interrupted create made (same nonce), if it exists. */
  async findCreated(nonce: string): Promise<Task | null> {
    const issue = await this.#gateway.findRecentByNonce(nonce);
    if (!issue) return null;
    const task = await this.toTask(issue);
    // An interrupted delegation: the child exists (linked, one request); finish the parent's label.
    const parentId = task.parent_task_id;
    if (parentId !== null) {
      await this.#locks.run(parentId, async () => {
        const parent = await this.#gateway.getIssue(parentId);
        if (parent)
          await this.#markDelegated(
            task.created_by_agent_id ?? undefined,
            parent,
            decodeIssue(parent),
          );
      });
    }
    return task;
  }

  async get(caller: Caller, id: number): Promise<Task> {
    const { task } = await this.load(caller, id, "read");
    return task;
  }

  async list(caller: Caller, filters: TaskFilters): Promise<Task[]> {
    const githubLabels: string[] = [];
    if (filters.assigned_to) githubLabels.push(agentLabel(filters.assigned_to));
    if (filters.priority) githubLabels.push(priorityLabel(filters.priority));
    if (filters.label) githubLabels.push(filters.label);
    if (filters.project_id != null) {
      const project = await this.#projects.resolve(filters.project_id).catch(() => null);
      if (!project) return [];
      githubLabels.push(projectLabel(project.slug));
    }
    const wantsClosed = filters.completed === true || filters.status === "completed";
    const wantsAll = filters.include_completed === true;
    const state = wantsClosed ? "closed" : wantsAll ? "all" : "open";
    const issues = await this.#gateway.listIssues({ state, labels: githubLabels });
    const tasks: Task[] = [];
    for (const issue of issues) {
      const decoded = this.#decode(issue);
      if (decoded.deleted) continue;
      const task = await this.toTask(issue, decoded);
      if (canRead(caller, task) && matchesFilters(task, filters, this.#now())) tasks.push(task);
    }
    return tasks;
  }

  async update(caller: Caller, id: number, input: TaskUpdate): Promise<Task> {
    rejectServerOnly(input);
    if (input.parent_task_id !== undefined) {
      throw errors.badRequest(
        "server_managed_field",
        "parent_task_id is set by delegation and cannot be changed",
        {
          field: "parent_task_id",
        },
      );
    }
    if (input.status === "delegated") {
      throw errors.badRequest("server_managed_field", 'status "delegated" is set by delegation', {
        field: "status",
      });
    }
    return this.#locks.run(id, async () => {
      const { issue, decoded, task } = await this.load(caller, id, "write");
      const assignee =
        input.assigned_to_agent_id === undefined
          ? decoded.assignee
          : input.assigned_to_agent_id === null
            ? null
            : this.#agents.requireAssignable(input.assigned_to_agent_id).id;
      const projectSlug =
        input.project_id === undefined
          ? decoded.projectSlug
          : input.project_id === null
            ? null
            : (await this.#projects.resolve(input.project_id)).slug;
      const wantsCompleted =
        input.completed ?? (input.status === "completed" ? true : input.status ? false : undefined);
      const status = input.status && input.status !== "completed" ? input.status : decoded.status;
      const fields: TaskFields = {
        content: input.content ?? decoded.content,
        description: input.description === undefined ? decoded.description : input.description,
        priority: input.priority ?? decoded.priority,
        labels: input.labels ?? decoded.labels,
        projectSlug,
        assignee,
        status: wantsCompleted ? "open" : status,
        meta: {
          ...decoded.meta,
          due_date: input.due_date === undefined ? decoded.meta.due_date : input.due_date,
          due_time: input.due_time === undefined ? decoded.meta.due_time : input.due_time,
        },
      };
      const write: IssueWrite = { ...changedParts(issue, fields) };
      if (wantsCompleted === true && !task.completed) {
        Object.assign(write, completionWrite(issue, fields, caller.id));
      } else if (wantsCompleted === false && decoded.closed) {
        Object.assign(write, reopeningWrite(issue, fields));
      }
      return this.#write(caller, issue, write, "updated");
    });
  }

  async complete(caller: Caller, id: number): Promise<Task> {
    return this.#locks.run(id, async () => {
      const { issue, decoded, task } = await this.load(caller, id, "write");
      if (task.completed) return task;
      return this.#write(caller, issue, completionWrite(issue, decoded, caller.id), "completed");
    });
  }

  async uncomplete(caller: Caller, id: number): Promise<Task> {
    return this.#locks.run(id, async () => {
      const { issue, decoded, task } = await this.load(caller, id, "write");
      if (!task.completed) return task;
      return this.#write(caller, issue, reopeningWrite(issue, decoded), "reopened");
    });
  }

  /**
   * GitHub Apps cannot delete issues: a deleted task is closed as not planned, and then hidden.
   * Its open descendants are closed as not planned too (409 if the caller may not change one of
   * them), so no open task is left under a deleted parent.
   */
  async remove(caller: Caller, id: number): Promise<void> {
    await this.#locks.run(id, async () => {
      const { issue } = await this.load(caller, id, "write");
      const open = await this.#openDescendants(issue);
      const refused = open.filter((child) => !canWrite(caller, ownershipOf(this.#decode(child))));
      if (refused.length > 0) {
        throw errors.conflict(
          "children_not_writable",
          `Task #${id} has open sub-tasks that agent "${caller.id}" may not close`,
          { task_ids: refused.map((child) => child.number) },
        );
      }
      await this.#write(caller, issue, { state: "closed", state_reason: "not_planned" }, "deleted");
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
      .filter((entry) => entry.level > 0 && entry.issue.state === "open")
      .map((entry) => entry.issue);
  }

  /** Closes them as not planned, each a journalled write that also leaves the dedup index. */
  async #closeAll(agentId: string | undefined, issues: GitHubIssue[]): Promise<void> {
    for (const issue of issues)
      await this.writeIssue(
        agentId,
        issue,
        { state: "closed", state_reason: "not_planned" },
        "deleted",
      );
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

  async addComment(caller: Caller, id: number, content: string): Promise<Comment> {
    await this.load(caller, id, "comment");
    const agent = this.#agents.get(caller.id);
    const comment = await this.#gateway.createComment(id, encodeAgentComment(agent, content));
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
    return this.#locks.run(id, async () => {
      const { issue, decoded } = await this.load(caller, id, "write");
      const current = decoded.meta.context_version;
      if (expectedVersion !== undefined && expectedVersion !== current) {
        throw errors.conflict(
          "context_version_conflict",
          `The context is at version ${current}, not ${expectedVersion}`,
          {
            current_version: current,
            context: decoded.meta.context,
          },
        );
      }
      const merged = mergePatch(decoded.meta.context, patch);
      const context = isPlainObject(merged) ? merged : {};
      checkContextSize(context);
      const fields = {
        ...decoded,
        meta: { ...decoded.meta, context, context_version: current + 1 },
      };
      const task = await this.#write(caller, issue, { body: encodeTask(fields).body }, "context");
      return { task_id: id, context: task.context, version: task.context_version };
    });
  }

  async stats(caller: Caller): Promise<Stats> {
    const issues = await this.#gateway.listIssues({ state: "all" });
    const tasks: Task[] = [];
    for (const issue of issues) {
      const decoded = this.#decode(issue);
      if (decoded.deleted) continue;
      const task = await this.toTask(issue, decoded);
      if (canRead(caller, task)) tasks.push(task);
    }
    return computeStats(tasks, this.#now());
  }

  /** An issue as the API's task (agents and project resolved from Baton's own records). */
  async toTask(issue: GitHubIssue, decoded: DecodedIssue = this.#decode(issue)): Promise<Task> {
    const agentRef = (id: string | null) => {
      if (!id) return null;
      const agent = this.#agents.find(id);
      return { id, name: agent?.name ?? id, display_name: agent?.display_name ?? null };
    };
    const project = decoded.projectSlug ? await this.#projects.bySlug(decoded.projectSlug) : null;
    const completedBy = decoded.completed ? decoded.meta.completed_by : null;
    return {
      id: issue.number,
      content: decoded.content,
      description: decoded.description,
      priority: decoded.priority,
      labels: decoded.labels,
      project_id: project?.id ?? null,
      project: project ? { id: project.id, slug: project.slug, name: project.name } : null,
      due_date: decoded.meta.due_date,
      due_time: decoded.meta.due_time,
      status: decoded.completed ? "completed" : decoded.status,
      completed: decoded.completed,
      completed_at: decoded.completed ? issue.closed_at : null,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      created_by_agent_id: decoded.meta.created_by,
      assigned_to_agent_id: decoded.assignee,
      completed_by_agent_id: completedBy,
      created_by_agent: agentRef(decoded.meta.created_by),
      assigned_to_agent: agentRef(decoded.assignee),
      completed_by_agent: agentRef(completedBy),
      parent_task_id: decoded.meta.parent,
      root_task_id: decoded.meta.root ?? issue.number,
      delegation_depth: decoded.meta.depth,
      context: decoded.meta.context,
      context_version: decoded.meta.context_version,
      url: issue.html_url,
    };
  }

  /** Reads a task for a caller: 404 when it may not see it, 403 when it may not act on it. */
  async load(caller: Caller, id: number, need: "read" | "write" | "comment") {
    const issue = await this.#gateway.getIssue(id);
    const decoded = issue ? this.#decode(issue) : null;
    if (!issue || !decoded || decoded.deleted)
      throw errors.notFound("task_not_found", `No task #${id}`);
    const task = await this.toTask(issue, decoded);
    // A worker gets 404 for tasks it may not see, so ids reveal nothing.
    if (!canRead(caller, task)) throw errors.notFound("task_not_found", `No task #${id}`);
    if (need === "write" && !canWrite(caller, task)) {
      throw errors.forbidden(
        `Agent "${caller.id}" may not change task #${id}: it neither created nor holds it`,
      );
    }
    if (need === "comment" && !canComment(caller, task)) {
      throw errors.forbidden(`Agent "${caller.id}" may not comment on task #${id}`);
    }
    return { issue, decoded, task };
  }

  async #write(caller: Caller, issue: GitHubIssue, write: IssueWrite, kind: string): Promise<Task> {
    return this.toTask(await this.writeIssue(caller.id, issue, write, kind));
  }

  /** One write to an issue, journalled for the agent that caused it (none for a person). */
  async writeIssue(
    agentId: string | undefined,
    issue: GitHubIssue,
    write: IssueWrite,
    kind: string,
  ): Promise<GitHubIssue> {
    if (Object.keys(write).length === 0) return issue;
    // Journalled before the write: GitHub's webhook can arrive before its answer does.
    const entry = agentId ? this.#journal.record(issue.number, kind, agentId) : undefined;
    const updated = await this.#gateway.updateIssue(issue.number, write);
    if (entry !== undefined) this.#journal.stamp(entry, updated.updated_at);
    await this.reindex(updated);
    return updated;
  }

  /** Runs `task` alone for this issue (the same lock every API write takes). */
  locked<T>(id: number, task: () => Promise<T>): Promise<T> {
    return this.#locks.run(id, task);
  }
}

function rejectServerOnly(input: Record<string, unknown>): void {
  for (const field of SERVER_ONLY) {
    if (input[field] !== undefined) {
      throw errors.badRequest(
        "server_managed_field",
        `${field} is set by the server and cannot be written`,
        { field },
      );
    }
  }
}

function checkContextSize(context: Record<string, unknown>): void {
  if (JSON.stringify(context).length > MAX_CONTEXT_CHARS) {
    throw errors.unprocessable(
      "context_too_large",
      `The context may hold at most ${MAX_CONTEXT_CHARS} characters of JSON`,
      {
        field: "context",
      },
    );
  }
}

export function isFromApp(
  comment: {
    performed_via_github_app?: { id: number } | null;
    user: { login?: string; type?: string } | null;
  },
  appId: number | undefined,
): boolean {
  // The companion Action's token mode comments as GitHub Actions' bot, with the agents' marker.
  // Only the repository's own workflows, with a write token, can comment as this bot.
  if (comment.user?.type === "Bot" && comment.user.login === "github-actions[bot]") return true;
  if (comment.performed_via_github_app)
    return appId === undefined || comment.performed_via_github_app.id === appId;
  return comment.user?.type === "Bot" && appId === undefined;
}
