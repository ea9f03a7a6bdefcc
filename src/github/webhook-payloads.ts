import { z } from "zod";
import { GitHubIssueSchema } from "../tasks/github-issue.js";

/** The parts of GitHub's webhook payloads the delegation lifecycle reads. */
export const IssuesPayloadSchema = z.object({
  issue: GitHubIssueSchema,
  repository: z.object({ full_name: z.string() }),
});

export const SubIssuesPayloadSchema = z.object({
  action: z.enum([
    "sub_issue_added",
    "sub_issue_removed",
    "parent_issue_added",
    "parent_issue_removed",
  ]),
  parent_issue: z.object({ number: z.number() }),
  sub_issue: z.object({ number: z.number() }),
  repository: z.object({ full_name: z.string() }).optional(),
  parent_issue_repo: z.object({ full_name: z.string() }).optional(),
  sub_issue_repo: z.object({ full_name: z.string() }).optional(),
});
export type SubIssuesPayload = z.infer<typeof SubIssuesPayloadSchema>;
