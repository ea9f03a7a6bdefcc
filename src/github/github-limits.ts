import { errors } from "../errors.js";

/** GitHub's own limits on what Baton writes (it answers 422 past them). */
export const GITHUB_LIMITS = { title: 256, body: 65_536, label: 50, labelsPerIssue: 100 };

/**
 * Checks an issue or comment write against GitHub's limits on the text exactly as it will be sent
 * (escaped, with Baton's header and metadata block), before any request: a refusal must never come
 * after a label was already created. Counts UTF-16 units, never fewer than GitHub's characters.
 */
export function checkWriteSize(write: { title?: string; body?: string; labels?: string[] }): void {
  if (write.title !== undefined && write.title.length > GITHUB_LIMITS.title) {
    throw errors.unprocessable("too_large_for_github", "The title is too long for GitHub", {
      field: "content",
      limit: GITHUB_LIMITS.title,
    });
  }
  if (write.body !== undefined && write.body.length > GITHUB_LIMITS.body) {
    throw errors.unprocessable(
      "too_large_for_github",
      `Stored on GitHub this would take ${write.body.length} characters once escaped (GitHub's limit is ${GITHUB_LIMITS.body}): shorten the text or the context`,
      { limit: GITHUB_LIMITS.body, size: write.body.length },
    );
  }
  const labels = write.labels ?? [];
  const long = labels.find((label) => label.length > GITHUB_LIMITS.label);
  if (long !== undefined) {
    throw errors.unprocessable(
      "too_large_for_github",
      `The label "${long.slice(0, 60)}" is longer than GitHub's ${GITHUB_LIMITS.label} characters`,
      { field: "labels", limit: GITHUB_LIMITS.label },
    );
  }
  if (labels.length > GITHUB_LIMITS.labelsPerIssue) {
    throw errors.unprocessable("too_large_for_github", "Too many labels for one GitHub issue", {
      field: "labels",
      limit: GITHUB_LIMITS.labelsPerIssue,
    });
  }
}
