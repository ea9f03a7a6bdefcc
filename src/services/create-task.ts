import type { AgentService } from "../agents/agent-service.js";
import type { DedupMatch } from "../dedup/index.js";
import type { IssueGateway } from "../github/issue-gateway.js";
import type { RecentChanges } from "../github/recent-changes.js";
import type { SubIssueGateway } from "../github/sub-issue-gateway.js";
import { createTaskIssueOnce } from "../github/create-task-issue.js";
import { freshIntent, type WriteIntent } from "../idempotency.js";
import type { Journal } from "../store/journal-store.js";
import type { Caller } from "../tasks/access.js";
import { ROOT_POSITION } from "../tasks/delegation-rules.js";
import type { GitHubIssue } from "../tasks/github-issue.js";
import { encodeTask, type DecodedIssue, type TaskFields } from "../tasks/issue-codec.js";
import type { IssueWrite } from "../tasks/issue-writes.js";
import type { Project } from "../tasks/project.js";
import {
  planDelegation,
  planNewTask,
  planPossibleDuplicates,
  rejectServerOnly,
} from "../tasks/task-planners.js";
import type { Task, TaskCreate } from "../tasks/task-schema.js";
import type { DuplicateGuard } from "./duplicate-guard.js";
import type { ProjectService } from "./project-service.js";
import type { TaskIssues } from "./task-issues.js";

/**
 * Work a create leaves for after its answer is written: index upkeep nobody waits on (the HTTP
 * layer runs it, src/http/express-adapter.ts `answerFirst`). Without it the work is done before
 * the create returns.
 */
export type AfterAnswer = (work: () => void | Promise<void>) => void;

export interface CreateOptions {
  intent?: WriteIntent;
  skipDedup?: boolean;
  afterAnswer?: AfterAnswer;
}

export interface TaskCreationOptions {
  gateway: IssueGateway;
  /** Finds a write whose answer was lost, by its nonce. */
  changes: Pick<RecentChanges, "issueWithNonce">;
  subIssues: SubIssueGateway;
  /** BATON_MAX_DEPTH: the deepest delegation_depth a child may have. */
  maxDepth: number;
  agents: AgentService;
  projects: ProjectService;
  journal: Journal;
  /** Dedup before create; absent = no check. */
  guard?: DuplicateGuard;
  issues: TaskIssues;
}

/** A task's create, root or delegated, in one place. */
export class TaskCreation {
  readonly #gateway: IssueGateway;
  readonly #changes: Pick<RecentChanges, "issueWithNonce">;
  readonly #subIssues: SubIssueGateway;
  readonly #maxDepth: number;
  readonly #agents: AgentService;
  readonly #projects: ProjectService;
  readonly #journal: Journal;
  readonly #guard: DuplicateGuard | undefined;
  readonly #issues: TaskIssues;

  constructor(options: TaskCreationOptions) {
    this.#gateway = options.gateway;
    this.#changes = options.changes;
    this.#subIssues = options.subIssues;
    this.#maxDepth = options.maxDepth;
    this.#agents = options.agents;
    this.#projects = options.projects;
    this.#journal = options.journal;
    this.#guard = options.guard;
    this.#issues = options.issues;
  }

  /**
   * Creates a task. With `parent_task_id` it is a delegation: the child is created as a sub-issue
   * of the parent (the same path as `POST /tasks/{id}/delegate`), under the parent's lock so
   * concurrent delegations count children correctly. The write is made at most once
   * (src/idempotency.ts): an intent still in doubt is looked for by its nonce before writing.
   */
  async create(caller: Caller, input: TaskCreate, options: CreateOptions = {}): Promise<Task> {
    rejectServerOnly(input);
    const nonce = options.intent ?? freshIntent();
    const skipDedup = input.allow_duplicate === true || options.skipDedup === true;
    const later = options.afterAnswer;
    const parentId = input.parent_task_id;
    if (parentId == null) return this.#createTask(caller, input, { nonce, skipDedup, later });
    return this.#issues.locked(parentId, async () => {
      const parent = await this.#issues.load(caller, parentId, "write");
      return this.#createTask(caller, input, { nonce, skipDedup, later, parent });
    });
  }

  /**
   * The create, top to bottom: authorise → resolve the project once → dedup check → write →
   * answer → index (the index upkeep may wait for the answer to be written: `later`). Every limit
   * is checked before anything is written.
   */
  async #createTask(
    caller: Caller,
    input: TaskCreate,
    options: {
      nonce: WriteIntent;
      skipDedup: boolean;
      later: AfterAnswer | undefined;
      parent?: { issue: GitHubIssue; decoded: DecodedIssue };
    },
  ): Promise<Task> {
    const { nonce: intent, parent, later } = options;
    const assignee = input.assigned_to_agent_id
      ? this.#agents.requireAssignable(input.assigned_to_agent_id).id
      : null;
    const delegation = parent
      ? { parent: parent.issue, ...planDelegation(parent.issue, parent.decoded, this.#maxDepth) }
      : null;
    const project = await this.#resolveProject(input.project_id);
    const fields = planNewTask(input, {
      createdBy: caller.id,
      assignee,
      projectSlug: project?.slug ?? null,
      nonce: intent.nonce,
      position: delegation?.position ?? ROOT_POSITION,
      autoCompleteParent: parent ? (input.auto_complete_parent ?? false) : false,
    });
    const guard = this.#guard;
    const write = (possible: DedupMatch[] = []) => {
      const planned = planPossibleDuplicates(fields, possible);
      return delegation
        ? this.#writeChild(caller, planned, intent, delegation)
        : this.#writeRoot(caller, planned, intent);
    };
    if (!guard) return this.#answer(await write(), later);
    // Two creates of one text cannot both pass; a slow GitHub holds back only a create of the same text.
    return guard.createUnique(
      caller,
      dedupText(fields),
      { skip: options.skipDedup, ...(later ? { later } : {}) },
      async (possible) => {
        const issue = await write(possible);
        return {
          result: { ...(await this.#answer(issue, later)), possible_duplicates: possible },
          issue: this.#issues.forIndex(issue),
        };
      },
    );
  }

  /**
   * The new task, in the ready queue by the time any later request runs (the webhook comes
   * later still).
   */
  async #answer(issue: GitHubIssue, later: AfterAnswer | undefined): Promise<Task> {
    const task = await this.#issues.toTask(issue);
    const index = () => this.#issues.indexForQueue(task, true);
    if (later) later(index);
    else index();
    return task;
  }

  async #resolveProject(ref: number | string | null | undefined): Promise<Project | null> {
    return ref != null ? this.#projects.resolve(ref) : null;
  }

  #writers() {
    return { gateway: this.#gateway, subIssues: this.#subIssues, changes: this.#changes };
  }

  async #writeRoot(caller: Caller, fields: TaskFields, intent: WriteIntent): Promise<GitHubIssue> {
    const issue = await createTaskIssueOnce(this.#writers(), intent, encodeTask(fields));
    this.#journal.stamp(this.#journal.record(issue.number, "created", caller.id), issue.updated_at);
    return issue;
  }

  /**
   * One GraphQL request creates the linked child; at most one more marks the parent
   * `status:delegated`.
   */
  async #writeChild(
    caller: Caller,
    fields: TaskFields,
    intent: WriteIntent,
    { parent, parentWrite }: { parent: GitHubIssue; parentWrite: IssueWrite | null },
  ): Promise<GitHubIssue> {
    const child = await createTaskIssueOnce(this.#writers(), intent, encodeTask(fields), {
      number: parent.number,
      nodeId: parent.node_id,
    });
    this.#journal.stamp(
      this.#journal.record(child.number, "delegated", caller.id),
      child.updated_at,
    );
    if (parentWrite) await this.#issues.writeIssue(caller.id, parent, parentWrite, "delegated");
    return child;
  }
}

/**
 * What the dedup check compares: the texts a create writes, in its project; a delegation names
 * its parent, so the tasks of its own chain are left out.
 */
function dedupText(fields: TaskFields) {
  return {
    content: fields.content,
    description: fields.description,
    projectSlug: fields.projectSlug,
    parentId: fields.meta.parent,
  };
}
