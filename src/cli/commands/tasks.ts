import { Command, Option } from "commander";
import type { TaskUpdateInput } from "../../sdk/index.js";
import { TaskStatusSchema } from "../../tasks/task-schema.js";
import {
  collectKv,
  parseId,
  parseIntIn,
  parseJsonObject,
  parseList,
  run,
  UsageError,
  withCommon,
  type CommonOptions,
} from "../context.js";
import { showTask, table, taskColumns } from "../output.js";
import { addClaimCommands } from "./task-claims.js";
import { addDedupCommand } from "./task-dedup.js";
import { addHistoryCommand } from "./task-history.js";
import { addLinkCommands } from "./task-links.js";
import { addDependencyCommands } from "./task-dependencies.js";

interface TaskFieldOptions extends CommonOptions {
  description?: string;
  priority?: number;
  labels?: string[];
  due?: string;
  dueTime?: string;
  project?: string;
  assign?: string;
  context?: Record<string, unknown>;
}

/** The task-field flags shared by create, update and delegate (Delega's names). Context is not one
 * of them: an update merges context through `set-context`, with its version check. */
function withTaskFields(command: Command): Command {
  return command
    .option("--description <text>", "details, in Markdown")
    .option("--priority <1-4>", "1 low, 2 medium (default), 3 high, 4 urgent", parseIntIn(1, 4))
    .option("--labels <a,b>", "comma-separated labels", parseList)
    .option("--due <YYYY-MM-DD>", "due date")
    .option("--due-time <HH:MM>", "due time")
    .option("--project <id|slug>", "project")
    .option("--assign <agent>", "agent to hold the task");
}

/** `--context` for the commands that make a task (create, delegate). */
const withContext = (command: Command): Command =>
  command.option("--context <json>", "a JSON object of context", parseJsonObject);

/** The fields a create, an update and a delegation share. */
type TaskFields = Pick<
  TaskUpdateInput,
  | "description"
  | "priority"
  | "labels"
  | "due_date"
  | "due_time"
  | "project_id"
  | "assigned_to_agent_id"
>;

function taskFields(opts: TaskFieldOptions): TaskFields {
  const fields = {
    description: opts.description,
    priority: opts.priority,
    labels: opts.labels,
    due_date: opts.due,
    due_time: opts.dueTime,
    // The server takes a project id or slug, as text or number.
    project_id: opts.project,
    assigned_to_agent_id: opts.assign,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** A new task's fields (create and delegate): the shared ones plus its starting context. */
function newTaskFields(opts: TaskFieldOptions): TaskFields & { context?: Record<string, unknown> } {
  return { ...taskFields(opts), ...(opts.context ? { context: opts.context } : {}) };
}

export function tasksCommand(): Command {
  const tasks = new Command("tasks").description("create, find and finish tasks");

  withCommon(
    tasks
      .command("list")
      .description("list the tasks you may see (open ones unless asked)")
      .option("--completed", "only completed tasks")
      .option("--all", "open and completed tasks")
      .option("--assigned-to <agent>", "held by this agent")
      .option("--created-by <agent>", "created by this agent")
      .addOption(new Option("--status <status>", "status").choices(TaskStatusSchema.options))
      .option("--priority <1-4>", "priority", parseIntIn(1, 4))
      .option("--project <id|slug>", "project")
      .option("--label <label>", "label")
      .addOption(new Option("--due <when>", "due window").choices(["today", "upcoming", "overdue"]))
      .option("--search <text>", "text in content or description")
      .option("--limit <n>", "at most n tasks (1–100)", parseIntIn(1, 100))
      .option("--page <n>", "page number", parseIntIn(1, 100_000)),
  ).action(
    (
      opts: CommonOptions & {
        completed?: boolean;
        all?: boolean;
        assignedTo?: string;
        createdBy?: string;
        status?: "open";
        priority?: number;
        project?: string;
        label?: string;
        due?: "today";
        search?: string;
        limit?: number;
        page?: number;
      },
    ) =>
      run(
        opts,
        (c) =>
          c.tasks.list({
            completed: opts.completed ? true : undefined,
            include_completed: opts.all ? true : undefined,
            assigned_to: opts.assignedTo,
            created_by: opts.createdBy,
            status: opts.status,
            priority: opts.priority,
            project_id: opts.project,
            label: opts.label,
            due: opts.due,
            search: opts.search,
            limit: opts.limit,
            page: opts.page,
          }),
        (list) => table(list, taskColumns),
      ),
  );

  withCommon(
    withContext(
      withTaskFields(
        tasks
          .command("create")
          .description("create a task (checked for duplicates first)")
          .argument("<content>", "what needs doing")
          .option("--allow-duplicate", "create it even if a similar task exists"),
      ),
    ),
  ).action((content: string, opts: TaskFieldOptions & { allowDuplicate?: boolean }) =>
    run(
      opts,
      (c) =>
        c.tasks.create({
          content,
          ...newTaskFields(opts),
          ...(opts.allowDuplicate ? { allow_duplicate: true } : {}),
        }),
      (task) => console.log(`Created task #${task.id}: ${task.content}\n${task.url}`),
    ),
  );

  withCommon(
    tasks.command("show").description("show a task").argument("<id>", "task id", parseId),
  ).action((id: number, opts: CommonOptions) => run(opts, (c) => c.tasks.get(id), showTask));

  withCommon(
    withTaskFields(
      tasks
        .command("update")
        .description("change a task's fields")
        .argument("<id>", "task id", parseId)
        .option("--content <text>", "new content")
        .addOption(
          // "delegated" is set by delegation, "completed" by `tasks complete`.
          new Option("--status <status>", "status").choices(
            TaskStatusSchema.options.filter((s) => s !== "delegated" && s !== "completed"),
          ),
        )
        .option("--unassign", "take the task away from its holder"),
    ),
  ).action(
    (
      id: number,
      opts: TaskFieldOptions & { content?: string; status?: "open"; unassign?: boolean },
    ) => {
      const changes: TaskUpdateInput = {
        ...taskFields(opts),
        ...(opts.content !== undefined ? { content: opts.content } : {}),
        ...(opts.status ? { status: opts.status } : {}),
        ...(opts.unassign ? { assigned_to_agent_id: null } : {}),
      };
      if (!Object.keys(changes).length)
        throw new UsageError("Nothing to change: pass a field flag");
      return run(
        opts,
        (c) => c.tasks.update(id, changes),
        (task) => console.log(`Updated task #${task.id}.\n${task.url}`),
      );
    },
  );

  const simple = (
    name: string,
    description: string,
    act: "complete" | "uncomplete" | "delete",
    done: string,
  ) =>
    withCommon(
      tasks.command(name).description(description).argument("<id>", "task id", parseId),
    ).action((id: number, opts: CommonOptions) =>
      run<unknown>(
        opts,
        (c) => c.tasks[act](id),
        () => console.log(`${done} task #${id}.`),
      ),
    );
  simple("complete", "mark a task completed (closes the issue)", "complete", "Completed");
  simple("reopen", "reopen a completed task", "uncomplete", "Reopened").alias("uncomplete");
  simple("delete", "delete a task (closes the issue as not planned)", "delete", "Deleted");

  withCommon(
    tasks
      .command("assign")
      .description("hand a task to an agent, or --unassign it")
      .argument("<id>", "task id", parseId)
      .argument("[agent]", "agent id")
      .option("--unassign", "take it back from its holder"),
  ).action(
    (id: number, agent: string | undefined, opts: CommonOptions & { unassign?: boolean }) => {
      if (!agent && !opts.unassign) throw new UsageError("Name an agent, or pass --unassign");
      return run(
        opts,
        (c) => c.tasks.assign(id, opts.unassign ? null : agent!),
        (task) =>
          console.log(
            task.assigned_to_agent_id
              ? `Task #${task.id} is now held by ${task.assigned_to_agent_id}.`
              : `Task #${task.id} is unassigned.`,
          ),
      );
    },
  );

  withCommon(
    withContext(
      withTaskFields(
        tasks
          .command("delegate")
          .description("create a sub-task of <id>, optionally for another agent")
          .argument("<id>", "parent task id", parseId)
          .argument("[agent]", "agent to hold the sub-task")
          .requiredOption("--content <text>", "what the sub-task is"),
      ),
    ),
  ).action((id: number, agent: string | undefined, opts: TaskFieldOptions & { content: string }) =>
    run(
      opts,
      (c) =>
        c.tasks.delegate(id, {
          content: opts.content,
          ...newTaskFields(opts),
          ...(agent ? { assigned_to_agent_id: agent } : {}),
        }),
      (child) =>
        console.log(
          `Delegated #${child.id} under #${id}${child.assigned_to_agent_id ? ` to ${child.assigned_to_agent_id}` : ""} (depth ${child.delegation_depth}).\n${child.url}`,
        ),
    ),
  );

  withCommon(
    tasks
      .command("chain")
      .description("show the delegation chain a task belongs to")
      .argument("<id>", "task id", parseId),
  ).action((id: number, opts: CommonOptions) =>
    run(
      opts,
      (c) => c.tasks.chain(id),
      (chain) => {
        console.log(
          `Chain of #${chain.root.id}: ${chain.completed_count}/${chain.total_count} completed, depth ${chain.depth}`,
        );
        for (const task of chain.chain)
          console.log(
            `${"  ".repeat(task.delegation_depth)}#${task.id} [${task.status}] ${task.content}${task.assigned_to_agent_id ? ` (${task.assigned_to_agent_id})` : ""}`,
          );
      },
    ),
  );

  withCommon(
    tasks
      .command("comment")
      .description("comment on a task")
      .argument("<id>", "task id", parseId)
      .argument("<text>", "the comment"),
  ).action((id: number, text: string, opts: CommonOptions) =>
    run(
      opts,
      (c) => c.tasks.comment(id, text),
      (comment) => console.log(`Commented on #${id}.\n${comment.url}`),
    ),
  );

  withCommon(
    tasks
      .command("comments")
      .description("list a task's comments")
      .argument("<id>", "task id", parseId),
  ).action((id: number, opts: CommonOptions) =>
    run(
      opts,
      (c) => c.tasks.comments(id),
      (list) => {
        if (!list.length) console.log("(no comments)");
        for (const comment of list)
          console.log(
            `${comment.created_at} ${comment.author}:\n  ${comment.content.replace(/\n/g, "\n  ")}`,
          );
      },
    ),
  );

  withCommon(
    tasks
      .command("context")
      .description("show a task's context object")
      .argument("<id>", "task id", parseId),
  ).action((id: number, opts: CommonOptions) =>
    run(
      opts,
      (c) => c.tasks.context(id),
      (ctx) => console.log(`${JSON.stringify(ctx.context, null, 2)}\n(version ${ctx.version})`),
    ),
  );

  withCommon(
    tasks
      .command("set-context")
      .description("merge keys into a task's context (null deletes a key)")
      .argument("<id>", "task id", parseId)
      .option("--kv <key=value>", "a key to set; repeatable", collectKv)
      .option("--context <json>", "a JSON object to merge", parseJsonObject)
      .option("--expected-version <n>", "fail if the context changed since", parseIntIn(0, 1e9)),
  ).action(
    (
      id: number,
      opts: CommonOptions & {
        kv?: Record<string, unknown>;
        context?: Record<string, unknown>;
        expectedVersion?: number;
      },
    ) => {
      const patch = { ...opts.context, ...opts.kv };
      if (!Object.keys(patch).length) throw new UsageError("Pass --kv key=value or --context JSON");
      return run(
        opts,
        (c) => c.tasks.updateContext(id, patch, { expectedVersion: opts.expectedVersion }),
        (ctx) => console.log(`Context of #${id} is now version ${ctx.version}.`),
      );
    },
  );

  addDedupCommand(tasks);
  addHistoryCommand(tasks);
  addClaimCommands(tasks);
  addLinkCommands(tasks);
  addDependencyCommands(tasks);
  return tasks;
}
