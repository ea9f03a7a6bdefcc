import { isBatonError } from "../../src/errors.js";
import { DedupMatchSchema } from "../../src/tasks/task-schema.js";
import {
  BatonClient,
  BatonConfigError,
  resolveBaseUrl,
  type Task,
  type TaskCreateInput,
  type TaskUpdateInput,
} from "../../src/sdk/index.js";
import type { LinkInput } from "../../src/tasks/task-links.js";
import { InputError, type ClaimInputs, type TaskFieldsInput } from "./inputs.js";
import type {
  ActionTask,
  ClaimOutcome,
  ClaimTarget,
  CreateOutcome,
  NewTask,
  TaskApi,
} from "./task-api.js";

/** The SDK's task methods the Action uses; its errors are BatonErrors (BatonApiError). */
export type BatonTasks = Pick<
  BatonClient["tasks"],
  | "get"
  | "create"
  | "update"
  | "complete"
  | "uncomplete"
  | "comment"
  | "delegate"
  | "link"
  | "addDependency"
  | "removeDependency"
>;
/** The SDK's claim methods the Action uses. */
export type BatonClaims = Pick<
  BatonClient["claims"],
  "claim" | "next" | "heartbeat" | "setState" | "release"
>;

/**
 * REST mode: the workflow is an agent of the Baton server, with its identity, the server's dedup,
 * delegation and events.
 */
export class RestTaskApi implements TaskApi {
  constructor(
    private readonly tasks: BatonTasks,
    private readonly claims: BatonClaims,
  ) {}

  create(input: NewTask, options: { allowDuplicate: boolean }): Promise<CreateOutcome> {
    return this.#unlessDuplicate(() => this.tasks.create(toCreate(input, options)));
  }

  /** The server's 409 `duplicate_task` is an outcome, not a failure: the step names the open task. */
  async #unlessDuplicate(create: () => Promise<Task>): Promise<CreateOutcome> {
    try {
      return { task: toActionTask(await create()), duplicateOf: null };
    } catch (error) {
      const matchId = duplicateMatchId(error);
      if (matchId === null) throw error;
      // The match names no status, and it may be in progress or blocked: read the task itself.
      return { task: null, duplicateOf: toActionTask(await this.tasks.get(matchId)) };
    }
  }

  async get(id: number): Promise<ActionTask> {
    return toActionTask(await this.tasks.get(id));
  }

  async update(id: number, changes: TaskFieldsInput): Promise<ActionTask> {
    const body: TaskUpdateInput = {
      content: changes.content,
      description: changes.description,
      priority: changes.priority,
      labels: changes.labels,
      assigned_to_agent_id: changes.assignee,
      project_id: changes.project,
      status: changes.status,
    };
    return toActionTask(await this.tasks.update(id, withoutUndefined(body)));
  }

  async complete(
    id: number,
    note?: string,
  ): Promise<{ task: ActionTask; commentUrl: string | null }> {
    // The server refuses a comment on a task that does not exist, before anything is written.
    const commentUrl = note ? (await this.comment(id, note)).url : null;
    return { task: toActionTask(await this.tasks.complete(id)), commentUrl };
  }

  async reopen(id: number): Promise<ActionTask> {
    return toActionTask(await this.tasks.uncomplete(id));
  }

  async comment(id: number, content: string): Promise<{ url: string }> {
    return { url: (await this.tasks.comment(id, content)).url };
  }

  delegate(
    parentId: number,
    input: NewTask,
    options: { allowDuplicate: boolean },
  ): Promise<CreateOutcome> {
    return this.#unlessDuplicate(() => this.tasks.delegate(parentId, toCreate(input, options)));
  }

  async link(id: number, link: LinkInput): Promise<ActionTask> {
    await this.tasks.link(id, link);
    // The link's answer is the link: the step reports the task (and its status) as it is now.
    return toActionTask(await this.tasks.get(id));
  }

  async claim(target: ClaimTarget, options: ClaimInputs): Promise<ClaimOutcome> {
    const lease = options.leaseSeconds ? { lease_seconds: options.leaseSeconds } : {};
    const claimed =
      target.taskId !== undefined
        ? await this.claims.claim(target.taskId, lease)
        : await this.claims.next(
            withoutUndefined({ ...lease, labels: target.labels, project_id: target.project }),
          );
    return {
      task: claimed.task && toActionTask(claimed.task),
      claimToken: claimed.claim_token,
      leaseExpiresAt: claimed.task?.lease_expires_at ?? null,
    };
  }

  async heartbeat(id: number, options: ClaimInputs): Promise<ClaimOutcome> {
    const task = await this.claims.heartbeat(
      id,
      withoutUndefined({
        lease_seconds: options.leaseSeconds,
        state: options.sessionState,
        detail: options.detail,
        claim_token: options.claimToken,
      }),
    );
    return {
      task: toActionTask(task),
      claimToken: options.claimToken ?? null,
      leaseExpiresAt: task.lease_expires_at,
    };
  }

  async setState(id: number, options: ClaimInputs): Promise<ActionTask> {
    // parseInputs requires session-state for this operation.
    const body = withoutUndefined({
      state: options.sessionState!,
      detail: options.detail,
      claim_token: options.claimToken,
    });
    return toActionTask(await this.claims.setState(id, body));
  }

  async release(id: number, options: ClaimInputs): Promise<ActionTask> {
    const body = withoutUndefined({ handoff: options.handoff, claim_token: options.claimToken });
    return toActionTask(await this.claims.release(id, body));
  }

  async block(id: number, blockerId: number): Promise<ActionTask> {
    return toActionTask(await this.tasks.addDependency(id, blockerId));
  }

  async unblock(id: number, blockerId: number): Promise<ActionTask> {
    return toActionTask(await this.tasks.removeDependency(id, blockerId));
  }
}

function toCreate(input: NewTask, options: { allowDuplicate: boolean }): TaskCreateInput {
  const status = input.status;
  return withoutUndefined({
    allow_duplicate: options.allowDuplicate ? true : undefined,
    content: input.content,
    description: input.description,
    priority: input.priority,
    labels: input.labels,
    assigned_to_agent_id: input.assignee,
    project_id: input.project,
    status:
      status === "in_progress" || status === "blocked" || status === "open" ? status : undefined,
  });
}

const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export const toActionTask = (task: Task): ActionTask => ({
  id: task.id,
  url: task.url,
  status: task.status,
  content: task.content,
});

/** The id of the server's best match in a 409 `duplicate_task`, or null for any other error. */
function duplicateMatchId(error: unknown): number | null {
  if (!isBatonError(error) || error.code !== "duplicate_task") return null;
  const matches = DedupMatchSchema.array().safeParse(error.details.matches);
  return matches.success ? (matches.data[0]?.task_id ?? null) : null;
}

export interface RestOptions {
  baseUrl: string;
  apiKey: string;
  fetch: typeof globalThis.fetch;
}

/** REST mode over the SDK (Delega's base-URL rules: a bare server URL gets `/v1`). */
export function createRestTaskApi(options: RestOptions): TaskApi {
  let baseUrl: string;
  try {
    baseUrl = resolveBaseUrl(options.baseUrl);
  } catch (error) {
    if (!(error instanceof BatonConfigError)) throw error;
    throw new InputError(
      `Input "baton-url" must use https:// (plain http:// only to localhost): the agent key would travel unencrypted`,
    );
  }
  const client = new BatonClient({
    baseUrl,
    agentKey: options.apiKey,
    fetch: options.fetch,
    userAgent: "baton-action",
  });
  return new RestTaskApi(client.tasks, client.claims);
}
