import type { GitHubIssue } from "../tasks/github-issue.js";

/**
 * DESIGN §3a: the metadata block changes only when Baton writes it. Every issue Baton reads
 * passes through `believe` (the block it last wrote in place of someone else's edit), and every
 * body it writes through `wrote`.
 */
export interface BlockKeeper {
  believe(issue: GitHubIssue): GitHubIssue;
  /** The same for a page of issues, in one look-up. */
  believeAll(issues: GitHubIssue[]): GitHubIssue[];
  /** Baton wrote `body` and GitHub answered with `answer`. */
  wrote(body: string, answer: GitHubIssue): void;
}

/** No record kept (the Action's token mode): every issue as GitHub shows it. */
export const AS_ON_GITHUB: BlockKeeper = {
  believe: (issue) => issue,
  believeAll: (issues) => issues,
  wrote: () => {},
};
