import { canComment, canRead, canWrite, isOpenWork, type Caller } from "../tasks/access.js";
import type { AgentService } from "../agents/agent-service.js";
import { errors } from "../errors.js";
import type { IssueGateway } from "../github/issue-gateway.js";
import type { Journal } from "../store/journal-store.js";
import type { TaskIndex } from "../store/task-index-store.js";
import type { ClaimGuard } from "../tasks/lease-rules.js";
import type { GitHubIssue } from "../tasks/github-issue.js";
import { decodeIssue, type DecodedIssue } from "../tasks/issue-codec.js";
import type { IssueWrite } from "../tasks/issue-writes.js";
import type { Task } from "../tasks/task-schema.js";
import { isTask } from "../tasks/provenance.js";
import { projectLabel } from "../tasks/labels.js";
import { taskFromIssue, type TaskClaim, type TaskDependencies } from "../tasks/task-view.js";
import { KeyedMutex } from "../util/keyed-mutex.js";
import { localLock, type DistributedLock } from "../store/distributed-lock.js";
import type { DuplicateGuard } from "./duplicate-guard.js";
import type { ProjectService } from "./project-service.js";

export type Need = "read" | "write" | "comment";

/** What task I/O needs of claims (issue #17); each part absent = no claims. */
export interface TaskClaimHooks {
  /** The task index (ready queue, mirror), kept in step with every issue Baton reads back. */
  index?: Pick<TaskIndex, "upsert" | "remove">;
  /** The claim fields of an open task. */
  claimFields?: (taskId: number) => TaskClaim;
  /** Keeps a live claim exclusive to its holder, and ends it when the task closes. */
  claimGuard?: ClaimGuard;
}

/** What task I/O needs of dependencies (issue #17); absent = no dependencies. */
export interface TaskDependencyHooks {
  /** `blocked_by` and `blocking`, as Baton's store holds them. */
  fields(taskId: number): TaskDependencies;
  /** Brings the store in line with GitHub when the issue's dependency totals say it missed one. */
  reconcile(issue: GitHubIssue): Promise<void>;
}

/**
 * The issues behind tasks: read one for a caller, show it as a task, write it journalled and
 * re-indexed, one writer per issue at a time. Every task and chain operation goes through here.
 */
export class TaskIssues {
  readonly #gateway: IssueGateway;
  readonly #agents: AgentService;
  readonly #projects: ProjectService;
  readonly #journal: Journal;
  readonly #guard: DuplicateGuard | undefined;
  readonly #claims: TaskClaimHooks;
  readonly #dependencies: TaskDependencyHooks | undefined;
  readonly #appId: () => number | undefined;
  readonly #locks = new KeyedMutex();
  /** The same lock across replicas (PostgreSQL); nothing more on SQLite. */
  readonly #shared: DistributedLock;
  /** Decoding is pure; an issue is unchanged while its updated_at is (lists re-read many). */
  readonly #decoded = new Map<string, DecodedIssue>();

  decode(issue: GitHubIssue): DecodedIssue {
    const key = `${issue.number}@${issue.updated_at}@${issue.state}`;
    let decoded = this.#decoded.get(key);
    if (!decoded) {
      decoded = decodeIssue(issue);
      if (this.#decoded.size >= 5000) this.#decoded.delete(this.#decoded.keys().next().value!);
      this.#decoded.set(key, decoded);
    }
    return decoded;
  }

  constructor(options: {
    gateway: IssueGateway;
    agents: AgentService;
    projects: ProjectService;
    journal: Journal;
    guard?: DuplicateGuard;
    claims?: TaskClaimHooks;
    dependencies?: TaskDependencyHooks;
    appId: () => number | undefined;
    lock?: DistributedLock;
  }) {
    this.#shared = options.lock ?? localLock;
    this.#appId = options.appId;
    this.#gateway = options.gateway;
    this.#agents = options.agents;
    this.#projects = options.projects;
    this.#journal = options.journal;
    this.#guard = options.guard;
    this.#claims = options.claims ?? {};
    this.#dependencies = options.dependencies;
  }

  /** Keeps the dedup index in step with an issue's state (after a write, or from a webhook). */
  async reindex(issue: GitHubIssue): Promise<void> {
    // An issue that is not a task never enters an index, whatever its text (DESIGN §3a).
    const task = this.isTask(issue);
    const index = this.#claims.index;
    if (index && !issue.pull_request) {
      // The task mirror (issue #20) holds tasks only: an issue that is none, or a deleted task,
      // leaves it, so no read can show it.
      if (task && !this.decode(issue).deleted)
        this.indexForQueue(await this.toTask(issue), issue.state === "open");
      else index.remove(issue.number, issue.updated_at);
    }
    if (!task) this.#guard?.remove(issue.number);
    else await this.#guard?.index(this.forIndex(issue));
  }

  /** DESIGN §3a: Baton created the issue, or a person with write access handed it over. */
  isTask(issue: GitHubIssue): boolean {
    return isTask(issue, this.#appId());
  }

  /** Keeps the ready queue's task index in step (a create is there as soon as it answers). */
  indexForQueue(task: Task, open: boolean): void {
    this.#claims.index?.upsert(task, open);
  }

  forIndex(issue: GitHubIssue) {
    const decoded = this.decode(issue);
    const label = decoded.projectSlug && projectLabel(decoded.projectSlug);
    // The project label's id is the project's (0: a label GitHub sent by name only, unknown).
    const projectId = (label && issue.labels.find((l) => l.name === label)?.id) || null;
    return { number: issue.number, url: issue.html_url, decoded, projectId };
  }

  /** An issue as the API's task (agents and project resolved from Baton's own records). */
  async toTask(issue: GitHubIssue, decoded: DecodedIssue = this.decode(issue)): Promise<Task> {
    const project = decoded.projectSlug ? await this.#projects.bySlug(decoded.projectSlug) : null;
    const claim = decoded.closed ? undefined : this.#claims.claimFields?.(issue.number);
    await this.#dependencies?.reconcile(issue);
    return taskFromIssue(issue, decoded, {
      agent: (id) => this.#agents.find(id),
      project,
      claim,
      dependencies: this.#dependencies?.fields(issue.number),
    });
  }

  /** Reads a task for a caller: 404 when it may not see it, 403 when it may not act on it. */
  async load(caller: Caller, id: number, need: Need) {
    const issue = await this.#gateway.getIssue(id);
    const decoded = issue && this.isTask(issue) ? this.decode(issue) : null;
    if (!issue || !decoded || decoded.deleted)
      throw errors.notFound("task_not_found", `No task #${id}`);
    const task = await this.toTask(issue, decoded);
    // A worker gets 404 for tasks it may not see, so ids reveal nothing.
    if (!canRead(caller, task)) throw errors.notFound("task_not_found", `No task #${id}`);
    if (need === "write" && !canWrite(caller, task)) {
      // Open work is every worker's to read, and its holder's to change: claim it first.
      const hint = isOpenWork(task) ? `; claim it first (POST /tasks/${id}/claim)` : "";
      throw errors.forbidden(
        `Agent "${caller.id}" may not change task #${id}: it neither created nor holds it${hint}`,
      );
    }
    if (need === "write") this.#claims.claimGuard?.checkWrite(caller, id);
    if (need === "comment" && !canComment(caller, task)) {
      throw errors.forbidden(`Agent "${caller.id}" may not comment on task #${id}`);
    }
    return { issue, decoded, task };
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
    // In process first: a replica holds one database lock per issue and never waits on itself.
    return this.#locks.run(id, () => this.#shared.run(`issue:${id}`, task));
  }
}
