import { titleFor } from "../../src/tasks/issue-codec.js";

/**
 * Token mode's duplicate check: the same title once case, accents, punctuation and spacing are
 * ignored. Cruder than the server's scorer on purpose: it must never merge two different failures.
 */
export function normaliseTitle(text: string): string {
  return titleFor(text)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export function findSameTitle<T extends { title: string }>(content: string, issues: T[]): T | null {
  const wanted = normaliseTitle(content);
  return issues.find((issue) => normaliseTitle(issue.title) === wanted) ?? null;
}
