import type { AgentService } from "../agents/agent-service.js";
import type { IssueGateway } from "../github/issue-gateway.js";
import type { GitHubIssue } from "../tasks/github-issue.js";
import {
  agentLabelRefusalComment,
  refusedAgentLabel,
  type LabelAdded,
} from "../tasks/agent-label-refusal.js";
import { agentLabel } from "../tasks/labels.js";

/**
 * DESIGN §3a: labels people add that Baton cannot honour are refused back on github.com.
 * An `agent:<x>` label naming no agent is taken off, with one comment saying why. The removal
 * comes first: a redelivered webhook finds the label gone (GitHub answers 404) and comments
 * nothing again.
 */
export class LabelRefusals {
  readonly #gateway: Pick<IssueGateway, "removeIssueLabel" | "createComment">;
  readonly #agents: Pick<AgentService, "find">;
  readonly #isTask: (issue: GitHubIssue) => boolean;
  readonly #log: ((message: string, details?: Record<string, unknown>) => void) | undefined;

  constructor(options: {
    gateway: Pick<IssueGateway, "removeIssueLabel" | "createComment">;
    agents: Pick<AgentService, "find">;
    isTask: (issue: GitHubIssue) => boolean;
    log?: (message: string, details?: Record<string, unknown>) => void;
  }) {
    this.#gateway = options.gateway;
    this.#agents = options.agents;
    this.#isTask = options.isTask;
    this.#log = options.log;
  }

  /** `issues.labeled` on a task: takes an agent label naming no agent off, and says why. */
  async labelAdded(issue: GitHubIssue, change: LabelAdded): Promise<void> {
    if (!this.#isTask(issue)) return; // a stranger's issue causes no App write
    const agentId = refusedAgentLabel(change, (id) => this.#agents.find(id) !== undefined);
    if (agentId === null) return;
    if (!(await this.#gateway.removeIssueLabel(issue.number, agentLabel(agentId)))) return;
    await this.#gateway.createComment(
      issue.number,
      agentLabelRefusalComment(change.sender.login, agentId),
    );
    this.#log?.("refused an agent label naming no agent", { issue: issue.number, agentId });
  }
}
