import * as core from "@actions/core";
import { getOctokit } from "@actions/github";
import { isBatonError } from "../../src/errors.js";
import { RecentChanges } from "../../src/github/recent-changes.js";
import { DependencyGateway } from "../../src/github/dependency-gateway.js";
import { IssueGateway } from "../../src/github/issue-gateway.js";
import { SubIssueGateway } from "../../src/github/sub-issue-gateway.js";
import { parseInputs, type Connection, type InputName } from "./inputs.js";
import { performOperation } from "./operations.js";
import { outputsFor, summaryFor } from "./report.js";
import { createRestTaskApi } from "./rest-task-api.js";
import type { TaskApi } from "./task-api.js";
import { TokenDependencies } from "./token-dependencies.js";
import { TokenTaskApi } from "./token-task-api.js";

export interface RunOptions {
  /** The HTTP client for both modes; tests pass one nock intercepts. Default: global fetch. */
  fetch?: typeof globalThis.fetch;
  env?: NodeJS.ProcessEnv;
}

/** The Action: read inputs, perform one task operation, set outputs and the job summary. */
export async function run(options: RunOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  try {
    // Masked before anything else runs, so no later log line can reveal them.
    for (const secret of ["agent-key", "github-token"] as const) {
      const value = core.getInput(secret);
      if (value) core.setSecret(value);
    }
    const inputs = parseInputs((name: InputName) => core.getInput(name), env);
    const api = createTaskApi(inputs.connection, env, options.fetch);
    const result = await performOperation(inputs, api);

    for (const [name, value] of Object.entries(outputsFor(result))) core.setOutput(name, value);
    if (result.duplicateOf) {
      core.notice(
        `Open duplicate found: task #${result.duplicateOf.id} (${result.duplicateOf.url}); nothing created`,
      );
    } else if (result.task) {
      core.info(
        `${result.operation}: task #${result.task.id} is ${result.task.status} (${result.task.url})`,
      );
    } else {
      core.info(`${result.operation}: no ready task to claim`);
    }
    if (env.GITHUB_STEP_SUMMARY) {
      // The task operation is done: a summary that cannot be written is worth a warning, not a failure.
      await core.summary
        .addRaw(summaryFor(result, inputs.connection.mode))
        .write()
        .catch((error: unknown) => core.warning(`Job summary not written: ${failureLine(error)}`));
    }
  } catch (error) {
    core.setFailed(failureLine(error));
  }
}

function createTaskApi(
  connection: Connection,
  env: NodeJS.ProcessEnv,
  fetch = globalThis.fetch,
): TaskApi {
  if (connection.mode === "rest") {
    return createRestTaskApi({ baseUrl: connection.batonUrl, apiKey: connection.agentKey, fetch });
  }
  const octokit = getOctokit(connection.token, {
    baseUrl: env.GITHUB_API_URL || "https://api.github.com",
    // @actions/github's own fetch goes through a proxy agent; without a proxy, plain fetch (which
    // tests can intercept) is the same thing.
    ...(usesProxy(env) ? {} : { request: { fetch } }),
  });
  const repository = { owner: connection.owner, repo: connection.repo };
  const gateway = new IssueGateway({ ...repository, octokit: async () => octokit });
  const subIssues = new SubIssueGateway({
    ...repository,
    octokit: async () => octokit,
    issues: gateway,
  });
  const changes = new RecentChanges({ ...repository, octokit: async () => octokit });
  const dependencies = new TokenDependencies(
    gateway,
    new DependencyGateway({ ...repository, octokit: async () => octokit, issues: gateway }),
  );
  return new TokenTaskApi({
    gateway,
    subIssues,
    changes,
    dependencies,
    agentId: connection.agentId,
  });
}

const usesProxy = (env: NodeJS.ProcessEnv) =>
  Boolean(env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY);

/** One line for the step's error annotation: what failed, never a stack. */
export function failureLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = isBatonError(error) ? ` [${error.code}]` : "";
  return `${message}${code}`.replace(/\s*\n\s*/g, " ");
}
