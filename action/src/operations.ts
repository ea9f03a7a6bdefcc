import type { ActionInputs, Operation } from "./inputs.js";
import type { ActionTask, ClaimOutcome, TaskApi } from "./task-api.js";

export interface OperationResult {
  operation: Operation;
  /**
   * The task the step acted on: the new one, or on a duplicate the open one it matched; null
   * only when `claim` found nothing ready.
   */
  task: ActionTask | null;
  duplicateOf: ActionTask | null;
  commentUrl: string | null;
  /** `claim`, `heartbeat`: the fencing token and the lease's end, for the steps that follow. */
  claim?: { token: number | null; leaseExpiresAt: string | null };
}

/** Runs one operation against either mode's TaskApi. */
export async function performOperation(
  inputs: Omit<ActionInputs, "connection">,
  api: TaskApi,
): Promise<OperationResult> {
  const { operation, fields, comment } = inputs;
  const result = (task: ActionTask | null, commentUrl: string | null = null): OperationResult => ({
    operation,
    task,
    duplicateOf: null,
    commentUrl,
  });
  const withClaim = (outcome: ClaimOutcome): OperationResult => ({
    ...result(outcome.task),
    claim: { token: outcome.claimToken, leaseExpiresAt: outcome.leaseExpiresAt },
  });
  // An open task is surely the same work: nothing was created, the step names that task.
  const duplicate = (match: ActionTask): OperationResult => ({
    operation,
    task: match,
    duplicateOf: match,
    commentUrl: null,
  });
  // checkOperation guarantees these for the operations that use them.
  const id = inputs.taskId ?? 0;
  const content = fields.content ?? "";

  switch (operation) {
    case "create": {
      const outcome = await api.create(
        { ...fields, content },
        { allowDuplicate: inputs.allowDuplicate },
      );
      return outcome.task ? result(outcome.task) : duplicate(outcome.duplicateOf);
    }
    case "get":
      return result(await api.get(id));
    case "update": {
      const task = await api.update(id, fields);
      return result(task, comment ? (await api.comment(id, comment)).url : null);
    }
    case "complete": {
      const { task, commentUrl } = await api.complete(id, comment);
      return result(task, commentUrl);
    }
    case "reopen": {
      const task = await api.reopen(id);
      return result(task, comment ? (await api.comment(id, comment)).url : null);
    }
    case "comment": {
      // Read first: a task that does not exist fails the step before anything is written.
      const task = await api.get(id);
      return result(task, (await api.comment(id, comment ?? "")).url);
    }
    case "block":
      return result(await api.block(id, inputs.blockedBy ?? 0));
    case "unblock":
      return result(await api.unblock(id, inputs.blockedBy ?? 0));
    case "delegate": {
      const outcome = await api.delegate(
        id,
        { ...fields, content },
        { allowDuplicate: inputs.allowDuplicate },
      );
      if (!outcome.task) return duplicate(outcome.duplicateOf);
      const child = outcome.task;
      return result(child, comment ? (await api.comment(child.id, comment)).url : null);
    }
    case "link":
      // parseInputs checked the link for this operation.
      return result(await api.link(id, inputs.link!));
    case "claim": {
      const target = { taskId: inputs.taskId, labels: fields.labels, project: fields.project };
      return withClaim(await api.claim(target, inputs.claim));
    }
    case "heartbeat":
      return withClaim(await api.heartbeat(id, inputs.claim));
    case "state":
      return result(await api.setState(id, inputs.claim));
    case "release":
      return result(await api.release(id, inputs.claim));
  }
}
