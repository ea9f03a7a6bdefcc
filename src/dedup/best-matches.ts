import { levelFloor, matchLevel, type LevelThresholds } from "./levels.js";
import type { PreparedQuery, Scorer } from "./scorer.js";
import type { DedupText } from "./text.js";

export interface MatchDocument extends DedupText {
  url: string;
}

export interface ScoredMatch {
  task_id: number;
  url: string;
  content: string;
  score: number;
}

/**
 * The open tasks similar to `text`, by level: `duplicates` (the same work, surely: a create is
 * refused) and `possible` (similar, not sure), each best first, at most `max`. Pure over a filled
 * Scorer; shared by the server's DedupService and the companion Action's token mode.
 */
export function leveledMatches(
  scorer: Scorer,
  prepared: PreparedQuery,
  documentOf: (id: number) => MatchDocument | undefined,
  options: { thresholds: LevelThresholds; accept?: (id: number) => boolean; max?: number },
): { duplicates: ScoredMatch[]; possible: ScoredMatch[] } {
  const max = options.max ?? 5;
  const { thresholds } = options;
  const accept = (id: number) =>
    documentOf(id) !== undefined && (options.accept ? options.accept(id) : true);
  const duplicates: ScoredMatch[] = [];
  const possible: ScoredMatch[] = [];
  const floor = levelFloor(thresholds);
  for (const { id, score } of scorer.search(prepared, accept, floor)) {
    if (score < floor || (duplicates.length === max && possible.length === max)) break;
    const document = documentOf(id)!;
    const level = matchLevel(prepared.text, document, score, thresholds);
    const list = level === "duplicate" ? duplicates : level === "possible" ? possible : undefined;
    if (!list || list.length === max) continue;
    list.push({
      task_id: id,
      url: document.url,
      content: document.content,
      score: Math.round(score * 1000) / 1000,
    });
  }
  return { duplicates, possible };
}
