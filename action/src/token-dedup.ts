import { bestMatches, type MatchDocument } from "../../src/dedup/best-matches.js";
import { resolveMethod } from "../../src/dedup/methods.js";
import { Scorer } from "../../src/dedup/scorer.js";
import type { GitHubIssue } from "../../src/tasks/github-issue.js";
import { decodeIssue } from "../../src/tasks/issue-codec.js";

/**
 * Token mode's duplicate check over the open issues: the calibrated lexical scorer with its veto
 * and evidence rule. That is the server's default without its sentence encoder: the Action loads
 * no model (a step would pay ~0.3 s and ~130–160 MB for it) and keeps no cache, so a few near
 * paraphrases the server catches can pass here.
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
