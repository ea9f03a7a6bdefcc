import type { Caller } from "../tasks/access.js";
import { parentNumberOf, type GitHubIssue } from "../tasks/github-issue.js";
import type { IssueGateway } from "../github/issue-gateway.js";
import type { SubIssueGateway } from "../github/sub-issue-gateway.js";
import type { Journal } from "../store/journal-store.js";
import { buildChain, scopeTask, type Chain, type ChainTask } from "../tasks/chain.js";
import type { ChainEvents } from "../tasks/chain-events.js";
import {
  childPosition,
  ROOT_POSITION,
  samePosition,
  type Position,
} from "../tasks/delegation-rules.js";
import { decodeIssue, type DecodedIssue } from "../tasks/issue-codec.js";
import { changedParts, completionWrite, reopeningWrite } from "../tasks/issue-writes.js";
import { chainFromMirror, childrenFromMirror } from "./mirror-chains.js";
import type { TaskMirror } from "./task-mirror.js";
import type { TaskService } from "./task-service.js";

export interface ChainServiceOptions {
  tasks: TaskService;
  gateway: IssueGateway;
  subIssues: SubIssueGateway;
  journal: Journal;
  events: ChainEvents;
  /** Issue #20: chains and children read from the task mirror once it is filled. */
  mirror?: Pick<TaskMirror, "ready" | "view"> | undefined;
  log?: (message: string, data: Record<string, unknown>) => void;
}

/**
 * Delegation chains: reading them (scoped to the caller) and keeping them true as GitHub changes.
 * The lifecycle runs from GitHub's webhooks, so a person closing, reopening or re-linking an
 * issue on github.com has the same effect as an agent doing it through the API. Every handler
 * re-reads what it changes under the issue's lock, so a repeated webhook changes nothing.
 */
export class ChainService {
  readonly #tasks: TaskService;
  readonly #gateway: IssueGateway;
  readonly #subIssues: SubIssueGateway;
  readonly #journal: Journal;
  readonly #events: ChainEvents;
  readonly #mirror: Pick<TaskMirror, "ready" | "view"> | undefined;
  readonly #log: (message: string, data: Record<string, unknown>) => void;

  constructor(options: ChainServiceOptions) {
    this.#tasks = options.tasks;
    this.#gateway = options.gateway;
    this.#subIssues = options.subIssues;
    this.#journal = options.journal;
    this.#events = options.events;
    this.#mirror = options.mirror;
    this.#log = options.log ?? (() => undefined);
  }

  /**
   * The whole chain of a task, from its root: the root is found from the task's metadata. From
   * the mirror when it can answer (0 GitHub requests), else from GitHub's sub-issue tree.
   */
  async chain(caller: Caller, id: number): Promise<Chain> {
    const mirrored = this.#mirror?.ready()
      ? chainFromMirror(caller, id, this.#mirror.view())
      : undefined;
    return mirrored ?? this.chainFromGitHub(caller, id);
  }

  /** The chain read from GitHub's sub-issue tree, whatever the mirror holds. */
  async chainFromGitHub(caller: Caller, id: number): Promise<Chain> {
    const { task } = await this.#tasks.load(caller, id, "read");
    let tree = await this.#subIssues.readTree(task.root_task_id);
    // A root that no longer holds the task (a link changed meanwhile): answer its own subtree.
    if (!tree.some((entry) => entry.issue.number === id)) tree = await this.#subIssues.readTree(id);
    const hidden = new Set<number>();
    const tasks = [];
    for (const entry of tree) {
      const deleted = decodeIssue(entry.issue).deleted || !this.#tasks.isTask(entry.issue);
      if (entry.level > 0 && (deleted || (entry.parent !== null && hidden.has(entry.parent)))) {
        hidden.add(entry.issue.number);
        continue;
      }
      tasks.push(await this.#tasks.toTask(entry.issue));
    }
    return buildChain(caller, tasks);
  }

  /** A task's direct sub-tasks (deleted ones hidden), each scoped to the caller. */
  async children(caller: Caller, id: number): Promise<ChainTask[]> {
    const mirrored = this.#mirror?.ready()
      ? childrenFromMirror(caller, id, this.#mirror.view())
      : undefined;
    return mirrored ?? this.childrenFromGitHub(caller, id);
  }

  /** The children read from GitHub's sub-issues, in GitHub's order, whatever the mirror holds. */
  async childrenFromGitHub(caller: Caller, id: number): Promise<ChainTask[]> {
    await this.#tasks.load(caller, id, "read");
    const children = await this.#gateway.listSubIssues(id);
    const tasks: ChainTask[] = [];
    for (const child of children) {
      if (!this.#tasks.isTask(child)) continue;
      const decoded = decodeIssue(child);
      if (!decoded.deleted) tasks.push(scopeTask(caller, await this.#tasks.toTask(child, decoded)));
    }
    return tasks;
  }

  /** `issues.closed`: a deleted task takes its open descendants along; a parent may roll up. */
  async issueClosed(issue: GitHubIssue): Promise<void> {
    if (!this.#tasks.isTask(issue)) return;
    const decoded = decodeIssue(issue);
    if (decoded.deleted) await this.#closeDescendants(issue.number);
    const parent = parentNumberOf(issue) ?? decoded.meta.parent;
    if (parent !== null) await this.#settle(parent, issue.number);
  }

  /** `issues.reopened`: the parent is not done after all, so it is `delegated` again. */
  async issueReopened(issue: GitHubIssue): Promise<void> {
    if (!this.#tasks.isTask(issue)) return;
    const parent = parentNumberOf(issue) ?? decodeIssue(issue).meta.parent;
    if (parent !== null) await this.#reactivate(parent, issue.number);
  }

  /** `issues.opened`: a child whose metadata names a parent it is not linked to gets linked. */
  async issueOpened(issue: GitHubIssue): Promise<void> {
    if (!this.#tasks.isTask(issue)) return;
    if (decodeIssue(issue).meta.parent !== null && parentNumberOf(issue) === null)
      await this.#repairLink(issue.number);
  }

  /**
   * `sub_issues`: a person linked, unlinked or moved an issue. The child's (and its
   * descendants') depth, root and parent are corrected from GitHub's tree; the parents settle.
   */
  async linkChanged(event: { added: boolean; parent: number; child: number }): Promise<void> {
    await this.#syncPosition(event.child);
    if (event.added) {
      const child = await this.#gateway.getIssue(event.child);
      if (child?.state === "open") await this.#reactivate(event.parent, event.child);
    } else {
      await this.#settle(event.parent, event.child);
    }
  }

  /** On start: links children an interrupted delegation left unlinked (metadata names a parent). */
  async repairLinks(
    listOpen = () => this.#gateway.listIssues({ state: "open" }),
  ): Promise<number[]> {
    const open = await listOpen();
    const repaired: number[] = [];
    for (const issue of open) {
      if (!this.#tasks.isTask(issue)) continue;
      if (decodeIssue(issue).meta.parent !== null && parentNumberOf(issue) === null) {
        if (await this.#repairLink(issue.number)) repaired.push(issue.number);
      }
    }
    return repaired;
  }

  /**
   * The last open child of a delegated parent closed: the parent goes back to open (or completes,
   * if a completed child asked for it) and `task.chain_completed` fires, once.
   */
  async #settle(parentId: number, childId: number): Promise<void> {
    await this.#tasks.locked(parentId, async () => {
      const parent = await this.#gateway.getIssue(parentId);
      if (!parent || !this.#tasks.isTask(parent)) return;
      const decoded = decodeIssue(parent);
      if (decoded.closed || decoded.status !== "delegated") return;
      // Only tasks count: an issue a person linked without handing it over is not a sub-task.
      const children = (await this.#gateway.listSubIssues(parentId)).filter((child) =>
        this.#tasks.isTask(child),
      );
      if (children.some((child) => child.state === "open")) return;
      const completed = children.filter((c) => decodeIssue(c).completed);
      const agentId = this.#journal.lastWriter(childId);
      const autoComplete = completed.some((c) => decodeIssue(c).meta.auto_complete_parent);
      const open = { ...decoded, status: "open" as const };
      if (autoComplete) {
        const write = completionWrite(parent, open, agentId ?? null);
        await this.#tasks.writeIssue(agentId, parent, write, "completed");
      } else {
        await this.#tasks.writeIssue(agentId, parent, changedParts(parent, open), "updated");
      }
      if (completed.length > 0) {
        const rootId = decoded.meta.root ?? parentId;
        this.#log("chain completed", { parentId, rootId, agentId, autoComplete });
        await this.#events.chainCompleted({
          parentId,
          rootId,
          ...(agentId ? { agentId } : {}),
        });
      }
    });
  }

  /** A child is open again under `parentId`: the parent is `delegated` (reopened if completed). */
  async #reactivate(parentId: number, childId: number): Promise<void> {
    await this.#tasks.locked(parentId, async () => {
      const parent = await this.#gateway.getIssue(parentId);
      if (!parent || !this.#tasks.isTask(parent)) return;
      const decoded = decodeIssue(parent);
      if (decoded.deleted || (!decoded.closed && decoded.status === "delegated")) return;
      const agentId = this.#journal.lastWriter(childId);
      const delegated = { ...decoded, status: "delegated" as const };
      const write = decoded.closed
        ? reopeningWrite(parent, delegated)
        : changedParts(parent, delegated);
      await this.#tasks.writeIssue(
        agentId,
        parent,
        write,
        decoded.closed ? "reopened" : "delegated",
      );
    });
  }

  async #closeDescendants(id: number): Promise<void> {
    await this.#tasks.locked(id, async () => {
      const issue = await this.#gateway.getIssue(id);
      if (!issue) return;
      const decoded = decodeIssue(issue);
      if (!decoded.deleted || issue.sub_issues_summary?.total === 0) return;
      // A deleted parent's cascade read and closed this whole subtree already.
      const parentId = parentNumberOf(issue) ?? decoded.meta.parent;
      const parent = parentId === null ? null : await this.#gateway.getIssue(parentId);
      if (parent && decodeIssue(parent).deleted) return;
      // Not skipped when every child is completed: a completed child may have open children.
      // The closes are the agent's only if Baton's own write deleted this task; not a person's.
      const agentId = this.#journal.writerOf(id, issue.updated_at);
      const closed = await this.#tasks.closeOpenDescendants(issue, agentId);
      if (closed.length > 0)
        this.#log("closed the open sub-tasks of a deleted task", { id, closed });
    });
  }

  /** Links a child to the parent its metadata names; if that cannot be, the child becomes a root. */
  async #repairLink(childId: number): Promise<boolean> {
    return this.#tasks.locked(childId, async () => {
      const child = await this.#gateway.getIssue(childId);
      if (!child || !this.#tasks.isTask(child) || parentNumberOf(child) !== null) return false;
      const decoded = decodeIssue(child);
      const parentId = decoded.meta.parent;
      if (decoded.deleted || parentId === null) return false;
      const parent = await this.#gateway.getIssue(parentId);
      if (parent && this.#tasks.isTask(parent) && !decodeIssue(parent).deleted) {
        try {
          await this.#subIssues.addSubIssue(parent.node_id, child.node_id);
          this.#log("linked a sub-task to its parent", { child: childId, parent: parentId });
          return true;
        } catch (error) {
          this.#log("could not link a sub-task; it becomes a root", {
            child: childId,
            parent: parentId,
            error: String(error),
          });
        }
      }
      await this.#writePosition(child, decoded, ROOT_POSITION);
      return false;
    });
  }

  /** Makes an issue's metadata and depth label match its place in GitHub's tree, then its subtree's. */
  async #syncPosition(id: number): Promise<void> {
    const position = await this.#tasks.locked(id, async () => {
      const issue = await this.#gateway.getIssue(id);
      if (!issue || !this.#tasks.isTask(issue)) return null;
      const decoded = decodeIssue(issue);
      const parentId = parentNumberOf(issue);
      let position = ROOT_POSITION;
      if (parentId !== null) {
        const parent = await this.#gateway.getIssue(parentId);
        if (!parent) return null;
        position = childPosition({ number: parentId, meta: decodeIssue(parent).meta });
      }
      const moved = !samePosition(decoded.meta, position);
      if (moved) await this.#writePosition(issue, decoded, position);
      return moved && (issue.sub_issues_summary?.total ?? 1) > 0 ? position : null;
    });
    if (position) await this.#syncDescendants(id, position);
  }

  async #syncDescendants(id: number, position: Position): Promise<void> {
    const tree = await this.#subIssues.readTree(id);
    const positions = new Map<number, Position>([[id, position]]);
    const root = position.root ?? id;
    for (const entry of tree) {
      if (entry.level === 0 || entry.parent === null || !this.#tasks.isTask(entry.issue)) continue;
      const above = positions.get(entry.parent);
      if (!above) continue;
      const expected = { parent: entry.parent, root, depth: above.depth + 1 };
      positions.set(entry.issue.number, expected);
      const decoded = decodeIssue(entry.issue);
      if (samePosition(decoded.meta, expected)) continue;
      await this.#tasks.locked(entry.issue.number, async () => {
        const fresh = await this.#gateway.getIssue(entry.issue.number);
        if (fresh) await this.#writePosition(fresh, decodeIssue(fresh), expected);
      });
    }
  }

  async #writePosition(issue: GitHubIssue, decoded: DecodedIssue, position: Position) {
    if (samePosition(decoded.meta, position)) return;
    const fields = { ...decoded, meta: { ...decoded.meta, ...position } };
    await this.#tasks.writeIssue(undefined, issue, changedParts(issue, fields), "moved");
  }
}
