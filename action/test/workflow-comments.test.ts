import { describe, expect, it } from "vitest";
import { decodeComment, encodeAgentComment, isFromApp } from "../../src/tasks/comment-codec.js";

const BATON_APP_ID = 1;
const read = (comment: {
  body: string;
  user: { login: string; type: string };
  performed_via_github_app?: { id: number } | null;
  author_association?: string;
}) => decodeComment({ ...comment, fromApp: isFromApp(comment, BATON_APP_ID) });

describe("token mode's comments, as the server and the relay read them", () => {
  const body = encodeAgentComment({ id: "github-actions", display_name: null }, "Deploy failed.");
  // As GitHub shows a comment made with a workflow's GITHUB_TOKEN.
  const actions = {
    user: { login: "github-actions[bot]", type: "Bot" },
    performed_via_github_app: { id: 15368 },
    author_association: "NONE",
  };

  it("a workflow's comment with the agents' marker is the workflow identity's comment", () => {
    expect(read({ ...actions, body })).toEqual({
      author: "github-actions",
      author_type: "agent",
      content: "Deploy failed.",
    });
  });

  it("a workflow's plain comment, or another App's marker, still does not reach agents", () => {
    expect(read({ ...actions, body: "Deployed." })).toBeNull();
    expect(
      read({
        body,
        user: { login: "other-app[bot]", type: "Bot" },
        performed_via_github_app: { id: 999 },
        author_association: "NONE",
      }),
    ).toBeNull();
  });
});
