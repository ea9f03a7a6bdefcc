import { z } from "zod";
import { checkWriteSize } from "./github-limits.js";
import { MAX_CHILDREN, type GitHubIssue } from "../tasks/github-issue.js";
import {
  GraphqlIssueSchema,
  ISSUE_FIELDS,
  labelsTruncated,
  toRestIssue,
  type GraphqlIssue,
} from "./graphql-issue.js";
import type { IssueGateway } from "./issue-gateway.js";
import type { IssueWrite } from "../tasks/issue-writes.js";
import { mappedGraphqlClient, type GitHubGraphqlClient } from "./github-boundary.js";

export type { GitHubGraphqlClient } from "./github-boundary.js";

export interface SubIssueGatewayOptions {
  owner: string;
  repo: string;
  octokit: () => Promise<GitHubGraphqlClient>;
  issues: IssueGateway;
}

/** One issue of a sub-issue tree: `level` 0 is the issue the read started from. */
export interface TreeIssue {
  issue: GitHubIssue;
  parent: number | null;
  level: number;
}

/**
 * A continuation request asks for the children of several frontier issues with `first` set to
 * each one's known count; GitHub caps a query at 500,000 nodes, one child costs ~2,121 (its
 * labels, 100 grandchildren and theirs), so keep the sum of counts per request under this.
 */
const CHILDREN_PER_CONTINUATION = 200;

interface TreeNode extends GraphqlIssue {
  subIssues?: { nodes: (TreeNode | null)[] | null } | null;
}
const TreeNodeSchema: z.ZodType<TreeNode> = z.lazy(() =>
  GraphqlIssueSchema.extend({
    subIssues: z.object({ nodes: z.array(TreeNodeSchema.nullable()).nullable() }).nullish(),
  }),
);

/**
 * Two levels of children under one issue, each child with its fields. A parent has at most
 * MAX_CHILDREN sub-issues, so `first: MAX_CHILDREN` reads a child's children whole.
 */
const twoLevels = (first: number) => `
  subIssues(first: ${first}) {
    nodes {
      ...BatonIssue
      subIssues(first: ${MAX_CHILDREN}) { nodes { ...BatonIssue } }
    }
  }`;

const TREE_QUERY = /* GraphQL */ `
  query BatonTree($owner: String!, $name: String!, $number: Int!) {
    repository(owner: $owner, name: $name) {
      issue(number: $number) {
        ...BatonIssue
        ${twoLevels(MAX_CHILDREN)}
      }
    }
  }
  ${ISSUE_FIELDS}
`;

const CREATE_MUTATION = /* GraphQL */ `
  mutation BatonCreateSubIssue($input: CreateIssueInput!) {
    createIssue(input: $input) {
      issue {
        ...BatonIssue
      }
    }
  }
  ${ISSUE_FIELDS}
`;

const ADD_MUTATION = /* GraphQL */ `
  mutation BatonAddSubIssue($parent: ID!, $child: ID!) {
    addSubIssue(input: { issueId: $parent, subIssueId: $child }) {
      subIssue {
        number
      }
    }
  }
`;

const REPOSITORY_QUERY = /* GraphQL */ `
  query BatonRepository($owner: String!, $name: String!) {
    repository(owner: $owner, name: $name) {
      id
    }
  }
`;

/**
 * Sub-issues over GraphQL: create + link in one request, and a whole tree in few requests.
 * REST needs two requests to create a linked issue and one per parent to read a tree.
 */
export class SubIssueGateway {
  readonly #owner: string;
  readonly #repo: string;
  readonly #octokit: () => Promise<GitHubGraphqlClient>;
  readonly #issues: IssueGateway;
  #repositoryId: Promise<string> | undefined;

  constructor(options: SubIssueGatewayOptions) {
    this.#owner = options.owner;
    this.#repo = options.repo;
    // Every request goes through the one boundary: failures arrive here as BatonErrors.
    this.#octokit = async () => mappedGraphqlClient(await options.octokit());
    this.#issues = options.issues;
  }

  /** The repository's node id, read once (createIssue needs it). */
  repositoryId(): Promise<string> {
    this.#repositoryId ??= this.#graphql(REPOSITORY_QUERY, {
      owner: this.#owner,
      name: this.#repo,
    })
      .then((data) => z.object({ repository: z.object({ id: z.string() }) }).parse(data))
      .then((data) => data.repository.id)
      .catch((error: unknown) => {
        this.#repositoryId = undefined;
        throw error;
      });
    return this.#repositoryId;
  }

  /**
   * Creates an issue already linked under `parent`: one request, so no crash can leave an
   * unlinked child. A lost answer is resolved by the caller, by the nonce in the body
   * (src/idempotency.ts); `nonce` also goes as GraphQL's `clientMutationId`.
   */
  async createSubIssue(
    write: Required<Pick<IssueWrite, "title" | "body" | "labels">>,
    parent: { number: number; nodeId: string },
    nonce: string,
  ): Promise<GitHubIssue> {
    checkWriteSize(write);
    const [repositoryId, labelIds] = await Promise.all([
      this.repositoryId(),
      this.#issues.labelNodeIds(write.labels),
    ]);
    const octokit = await this.#octokit();
    const data = await octokit.graphql(CREATE_MUTATION, {
      input: {
        repositoryId,
        title: write.title,
        body: write.body,
        labelIds,
        parentIssueId: parent.nodeId,
        clientMutationId: nonce,
      },
    });
    const parsed = z.object({ createIssue: z.object({ issue: GraphqlIssueSchema }) }).parse(data);
    const issue = await this.#complete(parsed.createIssue.issue, parent.number);
    this.#issues.wrote(write.body, issue);
    return issue;
  }

  /** Links an existing issue under a parent (the repair path for a child created unlinked). */
  async addSubIssue(parentNodeId: string, childNodeId: string): Promise<void> {
    await this.#graphql(ADD_MUTATION, { parent: parentNodeId, child: childNodeId });
  }

  /**
   * The issue `number` and every issue under it, parents before children. One request reads
   * three levels; each further request reads two more levels under the whole frontier.
   */
  async readTree(number: number): Promise<TreeIssue[]> {
    const data = z
      .object({ repository: z.object({ issue: TreeNodeSchema.nullable() }) })
      .parse(await this.#graphql(TREE_QUERY, { owner: this.#owner, name: this.#repo, number }));
    const root = data.repository.issue;
    if (!root) return [];
    const out: TreeIssue[] = [];
    const truncated: TreeIssue[] = [];
    const seen = new Set<number>();
    let frontier: { node: TreeNode; level: number }[] = [];
    const visit = (node: TreeNode, parent: number | null, level: number) => {
      if (seen.has(node.number)) return;
      seen.add(node.number);
      const entry = { issue: toRestIssue(node, parent), parent, level };
      out.push(entry);
      if (labelsTruncated(node)) truncated.push(entry);
      if (node.subIssues) {
        for (const child of node.subIssues.nodes ?? [])
          if (child) visit(child, node.number, level + 1);
      } else if (node.subIssuesSummary.total > 0) {
        frontier.push({ node, level });
      }
    };
    visit(root, null, 0);
    while (frontier.length > 0) {
      const batch = takeBatch(frontier);
      frontier = frontier.slice(batch.length);
      const children = await this.#readChildren(batch.map((f) => f.node));
      for (const { node, level } of batch) {
        for (const child of children.get(node.number) ?? []) visit(child, node.number, level + 1);
      }
    }
    // Rare: an issue with more labels than one read returns is read whole over REST.
    for (const entry of truncated) {
      const full = await this.#issues.getIssue(entry.issue.number);
      if (full) entry.issue = { ...full, parent_issue_url: entry.issue.parent_issue_url };
    }
    // As Baton believes them: its own metadata block on each (docs/trust.md), in one look-up.
    const believed = this.#issues.believeAll(out.map((entry) => entry.issue));
    out.forEach((entry, i) => (entry.issue = believed[i]!));
    return out.sort((a, b) => a.level - b.level);
  }

  async #readChildren(parents: TreeNode[]): Promise<Map<number, TreeNode[]>> {
    const variables: Record<string, string> = {};
    const fields = parents.map((parent, i) => {
      variables[`id${i}`] = parent.id;
      const first = Math.min(MAX_CHILDREN, Math.max(1, parent.subIssuesSummary.total));
      return `n${i}: node(id: $id${i}) { ... on Issue { number ${twoLevels(first)} } }`;
    });
    const query = `query BatonSubtrees(${parents.map((_, i) => `$id${i}: ID!`).join(", ")}) {
      ${fields.join("\n")}
    }
    ${ISSUE_FIELDS}`;
    const data = z
      .record(
        z.string(),
        z
          .object({
            number: z.number(),
            subIssues: z.object({ nodes: z.array(TreeNodeSchema.nullable()).nullable() }),
          })
          .nullable(),
      )
      .parse(await this.#graphql(query, variables));
    const children = new Map<number, TreeNode[]>();
    for (const entry of Object.values(data)) {
      if (entry)
        children.set(
          entry.number,
          (entry.subIssues.nodes ?? []).filter((n) => n !== null),
        );
    }
    return children;
  }

  async #complete(node: GraphqlIssue, parent: number | null): Promise<GitHubIssue> {
    if (!labelsTruncated(node)) return toRestIssue(node, parent);
    return (await this.#issues.getIssue(node.number)) ?? toRestIssue(node, parent);
  }

  async #graphql(query: string, variables: Record<string, unknown>): Promise<unknown> {
    const octokit = await this.#octokit();
    return octokit.graphql(query, variables);
  }
}

/** Frontier issues for one continuation request, within GitHub's node limit. */
function takeBatch<T extends { node: TreeNode }>(frontier: T[]): T[] {
  const batch: T[] = [];
  let children = 0;
  for (const entry of frontier) {
    const count = entry.node.subIssuesSummary.total;
    if (batch.length > 0 && children + count > CHILDREN_PER_CONTINUATION) break;
    batch.push(entry);
    children += count;
  }
  return batch;
}
