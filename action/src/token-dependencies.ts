import { checkNewDependency, inRepository } from "../../src/tasks/dependency-rules.js";
import { errors } from "../../src/errors.js";
import type { DependencyGateway } from "../../src/github/dependency-gateway.js";
import type { IssueGateway } from "../../src/github/issue-gateway.js";
import type { GitHubIssue } from "../../src/tasks/github-issue.js";

/** Past this many issues the circle check stops reading (a workflow is no graph crawler). */
const MAX_READ = 200;

/**
 * Token mode's dependencies: GitHub's own "blocked by", written with the workflow's token and
 * checked by the server's rules. With no store of its own, it reads from GitHub what the server
 * would know: the task's blockers, and the blockers' own, for the circle check.
 */
export class TokenDependencies {
  constructor(
    private readonly issues: Pick<IssueGateway, "getIssue" | "owner" | "repo">,
    private readonly github: Pick<
      DependencyGateway,
      "blockedBy" | "addBlockedBy" | "removeBlockedBy"
    >,
  ) {}

  /** Makes `task` wait for the issue `blockerId`; nothing when it already does. */
  async block(task: GitHubIssue, blockerId: number): Promise<void> {
    const blocker = blockerId === task.number ? task : await this.issues.getIssue(blockerId);
    if (!blocker)
      throw errors.unprocessable("unknown_blocker", `No task #${blockerId} to wait for`, {
        field: "blocked-by",
      });
    const own = blockerId === task.number ? [] : await this.#blockers(task.number);
    if (own.includes(blockerId)) return;
    const known = await this.#reachable(blockerId);
    checkNewDependency({
      taskId: task.number,
      blockerId,
      blockersOf: (id) => known.get(id) ?? [],
      totalBlockedBy: task.issue_dependencies_summary?.total_blocked_by ?? own.length,
      blockerTotalBlocking: blocker.issue_dependencies_summary?.total_blocking ?? 0,
    });
    await this.github.addBlockedBy(task.number, blocker.id);
  }

  /** Stops `task` waiting for `blockerId`; 404 when it did not. */
  async unblock(task: GitHubIssue, blockerId: number): Promise<void> {
    const blocker = await this.issues.getIssue(blockerId);
    const removed = blocker ? await this.github.removeBlockedBy(task.number, blocker.id) : false;
    if (!removed)
      throw errors.notFound(
        "dependency_not_found",
        `Task #${task.number} does not wait for #${blockerId}`,
      );
  }

  async #blockers(number: number): Promise<number[]> {
    const { owner, repo } = this.issues;
    return (await this.github.blockedBy(number))
      .filter((issue) => inRepository(issue, owner, repo))
      .map((issue) => issue.number);
  }

  /** The blockers of `from`, of theirs, and so on, as GitHub has them (at most MAX_READ reads). */
  async #reachable(from: number): Promise<Map<number, number[]>> {
    const known = new Map<number, number[]>();
    const queue = [from];
    while (queue.length > 0 && known.size < MAX_READ) {
      const id = queue.shift()!;
      if (known.has(id)) continue;
      const blockers = await this.#blockers(id);
      known.set(id, blockers);
      queue.push(...blockers.filter((b) => !known.has(b)));
    }
    return known;
  }
}
