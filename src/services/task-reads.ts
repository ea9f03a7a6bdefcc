import { canRead, type Caller } from "../tasks/access.js";
import { errors } from "../errors.js";
import type { IssueGateway } from "../github/issue-gateway.js";
import { agentLabel, priorityLabel, projectLabel } from "../tasks/labels.js";
import type { Task } from "../tasks/task-schema.js";
import type { GitHubIssue } from "../tasks/github-issue.js";
import { matchesFilters, type TaskFilters } from "../tasks/task-filters.js";
import { computeStats, type Stats } from "../tasks/task-stats.js";
import type { ProjectService } from "./project-service.js";
import type { TaskIssues } from "./task-issues.js";
import type { TaskMirror } from "./task-mirror.js";

export interface TaskReadsOptions {
  gateway: IssueGateway;
  projects: ProjectService;
  issues: TaskIssues;
  /** Absent or not yet filled: every read asks GitHub. */
  mirror?: Pick<TaskMirror, "ready" | "get" | "all"> | undefined;
  now: () => Date;
}

/**
 * The task reads of the API: one task, lists and stats. Answered from the task mirror (issue #20)
 * once it is filled, without a GitHub request; from GitHub's issues before that.
 */
export class TaskReads {
  readonly #o: TaskReadsOptions;

  constructor(options: TaskReadsOptions) {
    this.#o = options;
  }

  async get(caller: Caller, id: number): Promise<Task> {
    // From the mirror when it holds the task; a task it does not know is read from GitHub.
    const mirrored = this.#o.mirror?.ready() ? this.#o.mirror.get(id) : undefined;
    if (mirrored) {
      if (!canRead(caller, mirrored)) throw errors.notFound("task_not_found", `No task #${id}`);
      return mirrored;
    }
    const { task } = await this.#o.issues.load(caller, id, "read");
    return task;
  }

  async list(caller: Caller, filters: TaskFilters): Promise<Task[]> {
    if (!this.#o.mirror?.ready()) return this.listFromGitHub(caller, filters);
    const project = await this.#listedProject(filters);
    if (project === null) return [];
    const now = this.#o.now();
    return this.#o.mirror
      .all()
      .filter(
        (task) =>
          wantedState(task, filters) &&
          (filters.priority === undefined || task.priority === filters.priority) &&
          (!filters.label || task.labels.includes(filters.label)) &&
          (!project || task.project?.slug === project) &&
          canRead(caller, task) &&
          matchesFilters(task, filters, now),
      );
  }

  /** The slug a list is limited to; null = the project does not exist (an empty list). */
  async #listedProject(filters: TaskFilters): Promise<string | undefined | null> {
    if (filters.project_id == null) return undefined;
    const project = await this.#o.projects.resolve(filters.project_id).catch(() => null);
    return project ? project.slug : null;
  }

  /** The list read from GitHub's issues (before the mirror is filled). */
  async listFromGitHub(caller: Caller, filters: TaskFilters): Promise<Task[]> {
    const githubLabels: string[] = [];
    if (filters.assigned_to) githubLabels.push(agentLabel(filters.assigned_to));
    if (filters.priority) githubLabels.push(priorityLabel(filters.priority));
    if (filters.label) githubLabels.push(filters.label);
    if (filters.project_id != null) {
      const project = await this.#o.projects.resolve(filters.project_id).catch(() => null);
      if (!project) return [];
      githubLabels.push(projectLabel(project.slug));
    }
    const wantsClosed = filters.completed === true || filters.status === "completed";
    const wantsAll = filters.include_completed === true;
    const state = wantsClosed ? "closed" : wantsAll ? "all" : "open";
    const issues = await this.#o.gateway.listIssues({ state, labels: githubLabels });
    const now = this.#o.now();
    return (await this.#visibleTasks(caller, issues)).filter((task) =>
      matchesFilters(task, filters, now),
    );
  }

  async stats(caller: Caller): Promise<Stats> {
    if (this.#o.mirror?.ready()) {
      const visible = this.#o.mirror.all().filter((task) => canRead(caller, task));
      return computeStats(visible, this.#o.now());
    }
    const issues = await this.#o.gateway.listIssues({ state: "all" });
    return computeStats(await this.#visibleTasks(caller, issues), this.#o.now());
  }

  /** The tasks among issues read from GitHub (deleted ones hidden) that the caller may see. */
  async #visibleTasks(caller: Caller, issues: GitHubIssue[]): Promise<Task[]> {
    const tasks: Task[] = [];
    for (const issue of issues) {
      if (!this.#o.issues.isTask(issue)) continue;
      const decoded = this.#o.issues.decode(issue);
      if (decoded.deleted) continue;
      const task = await this.#o.issues.toTask(issue, decoded);
      if (canRead(caller, task)) tasks.push(task);
    }
    return tasks;
  }
}

/** The issue state a list asks for: open by default, completed, or both. */
function wantedState(task: Task, filters: TaskFilters): boolean {
  if (filters.completed === true || filters.status === "completed") return task.completed;
  return filters.include_completed === true || !task.completed;
}
