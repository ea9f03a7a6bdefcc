import { errors } from "../../src/errors.js";
import type { GitHubIssue } from "../../src/tasks/github-issue.js";
import type { IssueGateway } from "../../src/github/issue-gateway.js";
import type { IssueWrite } from "../../src/tasks/issue-writes.js";
import type { RecentChanges } from "../../src/github/recent-changes.js";
import type { SubIssueGateway } from "../../src/github/sub-issue-gateway.js";
import { createTaskIssueOnce } from "../../src/github/create-task-issue.js";
import { freshIntent, writeOnce } from "../../src/idempotency.js";
import { ROOT_POSITION, type Position } from "../../src/tasks/delegation-rules.js";
import { encodeAgentComment } from "../../src/tasks/comment-codec.js";
import { decodeIssue, encodeTask, type DecodedIssue } from "../../src/tasks/issue-codec.js";
import { projectLabel } from "../../src/tasks/labels.js";
import {
  planComplete,
  planDelegation,
  planNewTask,
  planPossibleDuplicates,
  planReopen,
  planUpdate,
} from "../../src/tasks/task-planners.js";
import { changedParts } from "../../src/tasks/issue-writes.js";
import { addLink, type LinkInput } from "../../src/tasks/task-links.js";
import { InputError, restOnlyMessage, type TaskFieldsInput } from "./inputs.js";
import type { ActionTask, ClaimOutcome, CreateOutcome, NewTask, TaskApi } from "./task-api.js";
import { checkDuplicates } from "./token-dedup.js";
import type { TokenDependencies } from "./token-dependencies.js";

export interface TokenTaskApiOptions {
  gateway: IssueGateway;
  subIssues: SubIssueGateway;
  /** Finds a create or comment whose answer was lost, by its nonce (as the server does). */
  changes: Pick<RecentChanges, "issueWithNonce" | "commentWithNonce">;
  /** GitHub's issue dependencies, for block and unblock. */
  dependencies: TokenDependencies;
  /** Who the workflow acts as: `created_by`, `completed_by` and comment headers carry it. */
  agentId: string;
  /** Deepest delegation allowed (the server's BATON_MAX_DEPTH default; GitHub nests 8 levels). */
  maxDepth?: number;
}

/**
 * Token mode: the task operations on the issues themselves, with the workflow's token and the
 * server's codec, so the issues look exactly as if the Baton API had written them.
 */
export class TokenTaskApi implements TaskApi {
  readonly #gateway: IssueGateway;
  readonly #subIssues: SubIssueGateway;
  readonly #changes: TokenTaskApiOptions["changes"];
  readonly #dependencies: TokenDependencies;
  readonly #agentId: string;
  readonly #maxDepth: number;

  constructor(options: TokenTaskApiOptions) {
    this.#gateway = options.gateway;
    this.#subIssues = options.subIssues;
    this.#changes = options.changes;
    this.#dependencies = options.dependencies;
    this.#agentId = options.agentId;
    this.#maxDepth = options.maxDepth ?? 5;
  }

  async create(input: NewTask, options: { allowDuplicate: boolean }): Promise<CreateOutcome> {
    const found = await this.#checkDuplicates(input, options);
    if ("duplicateOf" in found) return { task: null, duplicateOf: found.duplicateOf };
    const intent = freshIntent();
    const fields = planPossibleDuplicates(await this.#newTask(input, intent.nonce), found.possible);
    const issue = await createTaskIssueOnce(this.#writers(), intent, encodeTask(fields));
    return { task: toActionTask(issue), duplicateOf: null };
  }

  /**
   * The server's duplicate check on the open issues: a sure duplicate stops the create, possible
   * ones are named on the new issue; a delegated child is not compared with its parent's chain.
   */
  async #checkDuplicates(
    input: NewTask,
    options: { allowDuplicate: boolean; parentId?: number },
  ): Promise<{ duplicateOf: ActionTask } | { possible: { task_id: number }[] }> {
    if (options.allowDuplicate) return { possible: [] };
    const open = await this.#gateway.listIssues({ state: "open" });
    const found = await checkDuplicates(input, open, { parentId: options.parentId });
    return found.duplicate
      ? { duplicateOf: toActionTask(found.duplicate) }
      : { possible: found.possible };
  }

  async get(id: number): Promise<ActionTask> {
    return toActionTask((await this.#load(id)).issue);
  }

  async update(id: number, changes: TaskFieldsInput): Promise<ActionTask> {
    const { issue, decoded } = await this.#load(id);
    const projectSlug = changes.project ? await this.#projectSlug(changes.project) : undefined;
    const write = planUpdate(issue, decoded, { ...changes, projectSlug }, this.#agentId);
    return this.#write(issue, write);
  }

  async complete(
    id: number,
    note?: string,
  ): Promise<{ task: ActionTask; commentUrl: string | null }> {
    const { issue, decoded } = await this.#load(id);
    const commentUrl = note ? (await this.comment(id, note)).url : null;
    const write = planComplete(issue, decoded, this.#agentId);
    return { task: write ? await this.#write(issue, write) : toActionTask(issue), commentUrl };
  }

  async reopen(id: number): Promise<ActionTask> {
    const { issue, decoded } = await this.#load(id);
    const write = planReopen(issue, decoded);
    return write ? this.#write(issue, write) : toActionTask(issue);
  }

  async comment(id: number, content: string): Promise<{ url: string }> {
    const intent = freshIntent();
    const body = encodeAgentComment(
      { id: this.#agentId, display_name: null },
      content,
      intent.nonce,
    );
    const comment = await writeOnce(
      intent,
      () => this.#gateway.createComment(id, body),
      (since) => this.#changes.commentWithNonce(id, intent.nonce, since),
    );
    return { url: comment.html_url };
  }

  async block(id: number, blockerId: number): Promise<ActionTask> {
    const { issue } = await this.#load(id);
    await this.#dependencies.block(issue, blockerId);
    return toActionTask(issue);
  }

  async unblock(id: number, blockerId: number): Promise<ActionTask> {
    const { issue } = await this.#load(id);
    await this.#dependencies.unblock(issue, blockerId);
    return toActionTask(issue);
  }

  /** A child task created already linked under the parent (one GraphQL request), as the server does. */
  #writers() {
    return { gateway: this.#gateway, subIssues: this.#subIssues, changes: this.#changes };
  }

  async delegate(
    parentId: number,
    input: NewTask,
    options: { allowDuplicate: boolean },
  ): Promise<CreateOutcome> {
    const { issue: parent, decoded } = await this.#load(parentId);
    const { position, parentWrite } = planDelegation(parent, decoded, this.#maxDepth);
    const found = await this.#checkDuplicates(input, { ...options, parentId });
    if ("duplicateOf" in found) return { task: null, duplicateOf: found.duplicateOf };
    const intent = freshIntent();
    const fields = planPossibleDuplicates(
      await this.#newTask(input, intent.nonce, position),
      found.possible,
    );
    const child = await createTaskIssueOnce(this.#writers(), intent, encodeTask(fields), {
      number: parent.number,
      nodeId: parent.node_id,
    });
    if (parentWrite) await this.#gateway.updateIssue(parent.number, parentWrite);
    return { task: toActionTask(child), duplicateOf: null };
  }

  /** The server's own link planner: one body write, none when the task already has the link. */
  async link(id: number, link: LinkInput): Promise<ActionTask> {
    const { issue, decoded } = await this.#load(id);
    const at = new Date().toISOString();
    const { added, links } = addLink(decoded.meta.links, link, this.#agentId, at);
    if (!added) return toActionTask(issue);
    return this.#write(
      issue,
      changedParts(issue, { ...decoded, meta: { ...decoded.meta, links } }),
    );
  }

  /** parseInputs refuses these without a server first; this only keeps the promise. */
  claim(): Promise<ClaimOutcome> {
    return Promise.reject(restOnly("claim"));
  }

  heartbeat(): Promise<ClaimOutcome> {
    return Promise.reject(restOnly("heartbeat"));
  }

  setState(): Promise<ActionTask> {
    return Promise.reject(restOnly("state"));
  }

  release(): Promise<ActionTask> {
    return Promise.reject(restOnly("release"));
  }

  async #newTask(input: NewTask, nonce: string, position: Position = ROOT_POSITION) {
    // The Action's status input may say completed: a task is created open, as the server does.
    const { status, ...fields } = input;
    return planNewTask(
      { ...fields, status: status === "completed" ? undefined : status },
      {
        createdBy: this.#agentId,
        assignee: input.assignee ?? null,
        projectSlug: input.project ? await this.#projectSlug(input.project) : null,
        nonce,
        position,
        autoCompleteParent: false,
      },
    );
  }

  /** Projects are labels the server created; token mode uses them but cannot name new ones. */
  async #projectSlug(ref: string): Promise<string> {
    const byId = /^\d+$/.test(ref)
      ? (await this.#gateway.listLabels()).find((label) => label.id === Number(ref))
      : undefined;
    const label = byId ?? (await this.#gateway.findLabel(projectLabel(ref)));
    if (!label?.name.startsWith("project:")) {
      throw errors.unprocessable(
        "unknown_project",
        `No project "${ref}" (no label project:${ref})`,
        {
          field: "project",
        },
      );
    }
    return label.name.slice("project:".length);
  }

  async #load(id: number): Promise<{ issue: GitHubIssue; decoded: DecodedIssue }> {
    const issue = await this.#gateway.getIssue(id);
    const decoded = issue ? decodeIssue(issue) : null;
    if (!issue || !decoded || decoded.deleted)
      throw errors.notFound("task_not_found", `No task #${id}`);
    return { issue, decoded };
  }

  async #write(issue: GitHubIssue, write: IssueWrite): Promise<ActionTask> {
    if (Object.keys(write).length === 0) return toActionTask(issue);
    return toActionTask(await this.#gateway.updateIssue(issue.number, write));
  }
}

const restOnly = (operation: string) => new InputError(restOnlyMessage(operation));

export function toActionTask(issue: GitHubIssue): ActionTask {
  const decoded = decodeIssue(issue);
  return {
    id: issue.number,
    url: issue.html_url,
    status: decoded.completed ? "completed" : decoded.status,
    content: decoded.content,
  };
}
