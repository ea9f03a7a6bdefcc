import { bestMatches, type MatchDocument } from "../../src/dedup/best-matches.js";
import { resolveMethod } from "../../src/dedup/methods.js";
import { Scorer } from "../../src/dedup/scorer.js";
import type { GitHubIssue } from "../../src/github/github-types.js";
import { decodeIssue } from "../../src/tasks/issue-codec.js";

/**
 * Token mode's duplicate check over the open issues: the server's offline default, the calibrated
 * lexical scorer with its veto and evidence rule, so both modes answer alike. No embeddings: the
 * Action has no model and no cache.
 */
export async function findDuplicate(
  task: { content: string; description?: string },
  open: GitHubIssue[],
): Promise<GitHubIssue | null> {
  const spec = resolveMethod("lexical");
  const scorer = new Scorer(spec);
  const documents = new Map<number, MatchDocument>();
  for (const issue of open) {
    const decoded = decodeIssue(issue);
    documents.set(issue.number, {
      content: decoded.content,
      description: decoded.description ?? "",
      url: issue.html_url,
    });
  }
  scorer.addMany([...documents].map(([id, text]) => ({ id, text })));
  const prepared = await scorer.prepare({
    content: task.content,
    description: task.description ?? "",
  });
  const [best] = bestMatches(scorer, prepared, (id) => documents.get(id), {
    threshold: spec.threshold,
    max: 1,
  });
  return best ? (open.find((issue) => issue.number === best.task_id) ?? null) : null;
}
