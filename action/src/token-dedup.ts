import {
  leveledMatches,
  type MatchDocument,
  type ScoredMatch,
} from "../../src/dedup/best-matches.js";
import { outsideChain } from "../../src/dedup/chain.js";
import { methodLevels } from "../../src/dedup/method-levels.js";
import { resolveMethod } from "../../src/dedup/methods.js";
import { Scorer } from "../../src/dedup/scorer.js";
import type { GitHubIssue } from "../../src/tasks/github-issue.js";
import { decodeIssue } from "../../src/tasks/issue-codec.js";

/** What token mode's check found: the open task that is surely the same work, and the possible ones. */
export interface TokenDedupResult {
  /** Surely the same work: the create is not made. */
  duplicate: GitHubIssue | null;
  /** Possibly the same work (best first, at most 5): the task is created and its header names them. */
  possible: ScoredMatch[];
}

/**
 * Token mode's duplicate check over the open issues, with the server's decision: the calibrated
 * levels (a sure duplicate is not created, a possible one is created and named), the task frames
 * and the chain rule (a delegated child is never compared with its parent's chain). The scorer is
 * the server's `lexical` method, its default without the sentence encoder: the Action loads no
 * model (a step would pay ~0.3 s and ~130–160 MB for it) and keeps no cache, so a few near
 * paraphrases the server catches can pass here.
 */
export async function checkDuplicates(
  task: { content: string; description?: string },
  open: GitHubIssue[],
  options: { parentId?: number } = {},
): Promise<TokenDedupResult> {
  const spec = resolveMethod("lexical");
  const scorer = new Scorer(spec);
  const documents = new Map<number, MatchDocument>();
  const roots = new Map<number, number>();
  for (const issue of open) {
    const decoded = decodeIssue(issue);
    documents.set(issue.number, {
      content: decoded.content,
      description: decoded.description ?? "",
      url: issue.html_url,
    });
    roots.set(issue.number, decoded.meta.root ?? issue.number);
  }
  scorer.addMany([...documents].map(([id, text]) => ({ id, text })));
  const prepared = await scorer.prepare({
    content: task.content,
    description: task.description ?? "",
  });
  const found = leveledMatches(scorer, prepared, (id) => documents.get(id), {
    thresholds: methodLevels(spec),
    accept: outsideChain(options.parentId, (id) => roots.get(id)),
  });
  const sure = found.duplicates[0];
  return {
    duplicate: sure ? (open.find((issue) => issue.number === sure.task_id) ?? null) : null,
    possible: found.possible,
  };
}
