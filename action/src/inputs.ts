import { z } from "zod";
import { CLAIM_DETAIL_MAX } from "../../src/tasks/claim-schema.js";
import { LINK_KINDS, LinkCreateSchema, type LinkInput } from "../../src/tasks/task-links.js";
import {
  AgentIdSchema,
  ProjectSlugSchema,
  SessionStateSchema,
  TaskLabelSchema,
  TaskStatusSchema,
  type SessionState,
} from "../../src/tasks/task-schema.js";

/** The operations the Action performs, one per step. */
export const OPERATIONS = [
  "create",
  "update",
  "complete",
  "reopen",
  "comment",
  "delegate",
  "get",
  "claim",
  "heartbeat",
  "state",
  "release",
  "link",
  "block",
  "unblock",
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Claims and leases live in the Baton server's store: token mode cannot hold one. */
const REST_ONLY: Operation[] = ["claim", "heartbeat", "state", "release"];
export const restOnlyMessage = (operation: string) =>
  `Operation "${operation}" needs REST mode (baton-url and agent-key): claims and their leases live in the Baton server's store`;

/** The inputs that set a task's fields (an update needs at least one). */
const FIELD_INPUTS = [
  "content",
  "description",
  "priority",
  "labels",
  "assignee",
  "project",
  "status",
] as const;

/** Every input of action.yml, as the runner passes them (`INPUT_<NAME>`, empty when unset). */
export const INPUT_NAMES = [
  "operation",
  "task-id",
  "blocked-by",
  ...FIELD_INPUTS,
  "comment",
  "body",
  "allow-duplicate",
  "lease-seconds",
  "handoff",
  "claim-token",
  "session-state",
  "detail",
  "link-kind",
  "link-ref",
  "link-repo",
  "link-url",
  "baton-url",
  "agent-key",
  "github-token",
  "repository",
  "agent-id",
] as const;
export type InputName = (typeof INPUT_NAMES)[number];

const PRIORITY_NAMES = ["low", "medium", "high", "urgent"];

/** An unset input is an empty string: treat it as absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const TaskIdSchema = z
  .string()
  .regex(/^#?\d+$/, "must be a task number such as 42")
  .transform((value) => Number(value.replace("#", "")))
  .pipe(z.number().int().positive("must be a positive task number"));

const PriorityInputSchema = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .refine(
    (value) => /^[1-4]$/.test(value) || PRIORITY_NAMES.includes(value),
    "must be 1–4 or low, medium, high, urgent",
  )
  .transform((value) =>
    /^[1-4]$/.test(value) ? Number(value) : PRIORITY_NAMES.indexOf(value) + 1,
  );

/** Comma- or newline-separated, as YAML lists are written in `with:`. */
const LabelsSchema = z
  .string()
  .transform((value) =>
    value
      .split(/[,\n]/)
      .map((label) => label.trim())
      .filter(Boolean),
  )
  .pipe(z.array(TaskLabelSchema).max(50));

const BooleanSchema = z
  .enum(["true", "false", "True", "False", "TRUE", "FALSE"], {
    error: "must be true or false",
  })
  .transform((value) => value.toLowerCase() === "true");

const RepositorySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must look like owner/name");

const RawInputsSchema = z.object({
  operation: z.enum(OPERATIONS, { error: `must be one of ${OPERATIONS.join(", ")}` }),
  "task-id": optional(TaskIdSchema),
  "blocked-by": optional(TaskIdSchema),
  content: optional(z.string().max(2000, "must be at most 2000 characters")),
  description: optional(z.string().max(10_000, "must be at most 10000 characters")),
  priority: optional(PriorityInputSchema),
  labels: optional(LabelsSchema),
  assignee: optional(AgentIdSchema),
  project: optional(z.union([ProjectSlugSchema, z.string().regex(/^\d+$/)], "must be a slug")),
  status: optional(
    TaskStatusSchema.exclude(["delegated"], {
      error: "must be one of open, in_progress, blocked, failed, completed",
    }),
  ),
  comment: optional(z.string().max(10_000, "must be at most 10000 characters")),
  body: optional(z.string().max(10_000, "must be at most 10000 characters")),
  "allow-duplicate": optional(BooleanSchema),
  "lease-seconds": optional(z.coerce.number().int("must be a whole number of seconds").positive()),
  handoff: optional(z.string().max(2000, "must be at most 2000 characters")),
  "claim-token": optional(z.coerce.number().int("must be a whole number").nonnegative()),
  "session-state": optional(
    z.enum(SessionStateSchema.options, {
      error: `must be one of ${SessionStateSchema.options.join(", ")}`,
    }),
  ),
  detail: optional(
    z.string().max(CLAIM_DETAIL_MAX, `must be at most ${CLAIM_DETAIL_MAX} characters`),
  ),
  "link-kind": optional(z.enum(LINK_KINDS, { error: `must be one of ${LINK_KINDS.join(", ")}` })),
  "link-ref": optional(z.string()),
  "link-repo": optional(z.string()),
  "link-url": optional(z.string()),
  "baton-url": optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
  "agent-key": optional(z.string()),
  "github-token": optional(z.string()),
  repository: optional(RepositorySchema),
  "agent-id": optional(AgentIdSchema),
});
type RawInputs = z.infer<typeof RawInputsSchema>;

/** What a task operation may set; absent fields are left alone. */
export interface TaskFieldsInput {
  content?: string;
  description?: string;
  priority?: number;
  labels?: string[];
  assignee?: string;
  project?: string;
  status?: z.infer<typeof TaskStatusSchema>;
}

export type Connection =
  | { mode: "rest"; batonUrl: string; agentKey: string }
  | { mode: "token"; token: string; owner: string; repo: string; agentId: string };

/** What `claim`, `heartbeat`, `state` and `release` send (REST mode). */
export interface ClaimInputs {
  leaseSeconds: number | undefined;
  handoff: string | undefined;
  claimToken: number | undefined;
  /** heartbeat, state: what the holder is doing (`working`, `waiting_input`, `errored`). */
  sessionState: SessionState | undefined;
  detail: string | undefined;
}

export interface ActionInputs {
  operation: Operation;
  taskId: number | undefined;
  /** block / unblock: the task that `taskId` waits for (or should no longer). */
  blockedBy: number | undefined;
  fields: TaskFieldsInput;
  comment: string | undefined;
  allowDuplicate: boolean;
  claim: ClaimInputs;
  /** The link `link` adds, checked as the server checks it. */
  link: LinkInput | undefined;
  connection: Connection;
}

/** A bad input, named, in one line: the step fails with exactly this message. */
export class InputError extends Error {
  override name = "InputError";
}

const needsTaskId: Operation[] = [
  "update",
  "complete",
  "reopen",
  "comment",
  "delegate",
  "get",
  "heartbeat",
  "state",
  "release",
  "link",
  "block",
  "unblock",
];
const CREATE_STATUSES = ["open", "in_progress", "blocked"];

/**
 * Reads and checks the inputs. `read` returns an input's raw value (empty when unset); `env` gives the
 * runner's defaults (`GITHUB_REPOSITORY`). Throws an InputError naming the first bad input.
 */
export function parseInputs(
  read: (name: InputName) => string,
  env: Record<string, string | undefined> = {},
): ActionInputs {
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, read(name).trim()]));
  const parsed = RawInputsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? "input");
    const given = raw[name] ?? "";
    throw new InputError(
      given === ""
        ? `Input "${name}" is required: it ${issue.message}`
        : `Input "${name}" ${issue.message} (got "${given.length > 60 ? `${given.slice(0, 60)}…` : given}")`,
    );
  }
  const inputs = parsed.data;
  checkOperation(inputs);
  return {
    operation: inputs.operation,
    taskId: inputs["task-id"],
    blockedBy: inputs["blocked-by"],
    fields: {
      content: inputs.content,
      description: inputs.description,
      priority: inputs.priority,
      labels: inputs.labels,
      assignee: inputs.assignee,
      project: inputs.project,
      status: inputs.status,
    },
    comment: inputs.comment ?? inputs.body,
    allowDuplicate: inputs["allow-duplicate"] ?? false,
    claim: {
      leaseSeconds: inputs["lease-seconds"],
      handoff: inputs.handoff,
      claimToken: inputs["claim-token"],
      sessionState: inputs["session-state"],
      detail: inputs.detail,
    },
    link: inputs.operation === "link" ? linkFor(inputs) : undefined,
    connection: connectionFor(inputs, env),
  };
}

const LINK_INPUTS: Record<string, InputName> = {
  kind: "link-kind",
  ref: "link-ref",
  repo: "link-repo",
  url: "link-url",
};

/** The link, checked with the server's own schema; a problem names the input. */
function linkFor(inputs: RawInputs): LinkInput {
  const parsed = LinkCreateSchema.safeParse({
    kind: inputs["link-kind"],
    ref: inputs["link-ref"],
    repo: inputs["link-repo"],
    url: inputs["link-url"],
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = LINK_INPUTS[String(issue.path[0])] ?? "link-ref";
  throw new InputError(`Input "${name}" ${issue.message}`);
}

function checkOperation(inputs: RawInputs): void {
  const op = inputs.operation;
  const fail = (message: string) => {
    throw new InputError(message);
  };
  if (needsTaskId.includes(op) && inputs["task-id"] === undefined) {
    fail(`Input "task-id" is required for operation "${op}"`);
  }
  if ((op === "create" || op === "delegate") && !inputs.content?.trim()) {
    fail(`Input "content" is required for operation "${op}" (the task's title)`);
  }
  if ((op === "block" || op === "unblock") && inputs["blocked-by"] === undefined) {
    fail(`Input "blocked-by" is required for operation "${op}" (the task that task-id waits for)`);
  }
  if (op === "comment" && !(inputs.comment ?? inputs.body)?.trim()) {
    fail(`Input "comment" is required for operation "comment"`);
  }
  if ((op === "create" || op === "delegate") && inputs.status !== undefined) {
    if (!CREATE_STATUSES.includes(inputs.status)) {
      fail(`Input "status" must be one of ${CREATE_STATUSES.join(", ")} for operation "${op}"`);
    }
  }
  if (op === "update") {
    if (FIELD_INPUTS.every((field) => inputs[field] === undefined)) {
      fail(`Operation "update" needs at least one of the inputs ${FIELD_INPUTS.join(", ")}`);
    }
  }
  if (op === "state" && inputs["session-state"] === undefined) {
    fail(
      `Input "session-state" is required for operation "state" (working, waiting_input, errored)`,
    );
  }
  if (op === "link" && (!inputs["link-kind"] || !inputs["link-ref"])) {
    fail(`Operation "link" needs the inputs link-kind and link-ref`);
  }
  if (REST_ONLY.includes(op) && !inputs["baton-url"]) {
    fail(restOnlyMessage(op));
  }
}

function connectionFor(inputs: RawInputs, env: Record<string, string | undefined>): Connection {
  const batonUrl = inputs["baton-url"];
  const agentKey = inputs["agent-key"];
  if (batonUrl) {
    if (!agentKey) throw new InputError(`Input "agent-key" is required when "baton-url" is set`);
    return { mode: "rest", batonUrl: batonUrl.replace(/\/+$/, ""), agentKey };
  }
  if (agentKey) throw new InputError(`Input "baton-url" is required when "agent-key" is set`);
  const token = inputs["github-token"];
  if (!token) {
    throw new InputError(
      `Input "github-token" is required without "baton-url" (the default is the workflow's token)`,
    );
  }
  const repository = inputs.repository ?? env.GITHUB_REPOSITORY;
  const parsed = RepositorySchema.safeParse(repository ?? "");
  if (!parsed.success) {
    throw new InputError(
      `Input "repository" is required outside GitHub Actions (GITHUB_REPOSITORY is not set)`,
    );
  }
  const [owner, repo] = parsed.data.split("/") as [string, string];
  return { mode: "token", token, owner, repo, agentId: inputs["agent-id"] ?? "github-actions" };
}
