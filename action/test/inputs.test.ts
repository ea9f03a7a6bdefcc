import { describe, expect, it } from "vitest";
import { INPUT_NAMES, parseInputs, type InputName } from "../src/inputs.js";
import { actionYml } from "./support/run-action.js";

const parse = (
  inputs: Partial<Record<InputName, string>>,
  env = { GITHUB_REPOSITORY: "acme/app" },
) => parseInputs((name) => inputs[name] ?? (name === "github-token" ? "ghs_x" : ""), env);

describe("inputs", () => {
  it("action.yml declares exactly the inputs the Action reads, and the outputs it sets", () => {
    expect(Object.keys(actionYml.inputs).sort()).toEqual([...INPUT_NAMES].sort());
    expect(Object.keys(actionYml.outputs).sort()).toEqual([
      "claim-token",
      "duplicate-of",
      "lease-expires-at",
      "status",
      "task-id",
      "task-url",
    ]);
    expect(actionYml.runs).toEqual({ using: "node24", main: "dist/index.js" });
  });

  it("reads priorities by number or name, labels by comma or line, ids with or without #", () => {
    const inputs = parse({
      operation: "update",
      "task-id": "#42",
      priority: "Urgent",
      labels: "ci,\ndeploy\n",
    });
    expect(inputs).toMatchObject({
      taskId: 42,
      fields: { priority: 4, labels: ["ci", "deploy"] },
      connection: { mode: "token", owner: "acme", repo: "app", agentId: "github-actions" },
    });
  });

  it("picks REST mode with baton-url + agent-key, whatever the token", () => {
    const inputs = parse({
      operation: "get",
      "task-id": "1",
      "baton-url": "https://baton.example.com/",
      "agent-key": "bat_k",
    });
    expect(inputs.connection).toEqual({
      mode: "rest",
      batonUrl: "https://baton.example.com",
      agentKey: "bat_k",
    });
  });

  it.each([
    [{ operation: "update", "task-id": "1" }, /needs at least one of/],
    [
      { operation: "create", content: "x", status: "failed" },
      /"status" must be one of open, in_progress, blocked/,
    ],
    [{ operation: "get", "task-id": "0" }, /"task-id" must be a positive task number/],
    [
      { operation: "get", "task-id": "1", "baton-url": "ftp://x" },
      /"baton-url" must be an http\(s\) URL/,
    ],
    [{ operation: "get", "task-id": "1", "baton-url": "https://x" }, /"agent-key" is required/],
    [{ operation: "get", "task-id": "1", "agent-id": "Not A Slug" }, /"agent-id" must be a slug/],
    [
      { operation: "create", content: "x", "allow-duplicate": "yes" },
      /"allow-duplicate" must be true or false/,
    ],
    [
      { operation: "link", "task-id": "1", "link-kind": "pr" },
      /needs the inputs link-kind and link-ref/,
    ],
    [
      { operation: "link", "task-id": "1", "link-kind": "ticket", "link-ref": "1" },
      /"link-kind" must be one of branch, commit, pr, url/,
    ],
    [
      {
        operation: "link",
        "task-id": "1",
        "link-kind": "url",
        "link-ref": "x",
        "link-url": "ftp://x",
      },
      /^Input "link-url" must be an http\(s\) URL$/,
    ],
    [
      { operation: "link", "task-id": "1", "link-kind": "commit", "link-ref": "main" },
      /^Input "link-ref" must be a commit SHA/,
    ],
    [
      { operation: "claim", labels: "infra" },
      /^Operation "claim" needs REST mode \(baton-url and agent-key\)/,
    ],
    [{ operation: "release", "task-id": "1" }, /^Operation "release" needs REST mode/],
    [{ operation: "heartbeat", "task-id": "1" }, /^Operation "heartbeat" needs REST mode/],
    [
      { operation: "state", "task-id": "1", "baton-url": "https://x", "agent-key": "k" },
      /^Input "session-state" is required for operation "state"/,
    ],
    [
      {
        operation: "heartbeat",
        "task-id": "1",
        "baton-url": "https://x",
        "agent-key": "k",
        "session-state": "sleeping",
      },
      /"session-state" must be one of working, waiting_input, errored/,
    ],
    [
      { operation: "claim", "baton-url": "https://x", "agent-key": "k", "lease-seconds": "1.5" },
      /"lease-seconds" must be a whole number of seconds/,
    ],
  ])("rejects %o", (inputs, message) => {
    expect(() => parse(inputs as Partial<Record<InputName, string>>)).toThrow(message);
  });

  it("reads a link as the server does, and claim options", () => {
    const link = parse({
      operation: "link",
      "task-id": "3",
      "link-kind": "pr",
      "link-ref": "#12",
      "link-repo": "acme/api",
    });
    expect(link.link).toEqual({ kind: "pr", repo: "acme/api", ref: "12", url: null });
    const claim = parse({
      operation: "claim",
      labels: "infra",
      "lease-seconds": "600",
      "baton-url": "https://baton.example.com",
      "agent-key": "bat_k",
    });
    expect(claim).toMatchObject({
      taskId: undefined,
      fields: { labels: ["infra"] },
      claim: { leaseSeconds: 600 },
    });
  });

  it("needs a repository outside Actions", () => {
    expect(() => parse({ operation: "get", "task-id": "1" }, { GITHUB_REPOSITORY: "" })).toThrow(
      /"repository" is required/,
    );
  });
});
