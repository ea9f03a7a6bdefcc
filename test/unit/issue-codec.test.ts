import { describe, expect, it } from "vitest";
import {
  decodeIssue,
  encodeTask,
  TaskMetaSchema,
  type TaskFields,
} from "../../src/tasks/issue-codec.js";

const base = (overrides: Partial<TaskFields> = {}): TaskFields => ({
  content: "Renew TLS cert for api.example.com",
  description: "The cert expires in 7 days.",
  priority: 3,
  labels: ["infra", "tls"],
  projectSlug: "ops",
  assignee: "infra",
  status: "in_progress",
  meta: TaskMetaSchema.parse({
    created_by: "monitor",
    due_date: "2026-12-01",
    context: { host: "api" },
    context_version: 2,
  }),
  ...overrides,
});

/** What GitHub would hand back for an encoded issue. */
const asIssue = (
  fields: TaskFields,
  state: "open" | "closed" = "open",
  state_reason: string | null = null,
) => {
  const encoded = encodeTask(fields);
  return {
    number: 7,
    title: encoded.title,
    body: encoded.body,
    state,
    state_reason,
    labels: encoded.labels.map((name) => ({ name })),
  };
};

describe("issue codec", () => {
  it("maps fields to title, labels and a metadata block, and back", () => {
    const encoded = encodeTask(base());
    expect(encoded.title).toBe("Renew TLS cert for api.example.com");
    expect(encoded.labels).toEqual([
      "priority:high",
      "agent:infra",
      "project:ops",
      "status:in-progress",
      "infra",
      "tls",
    ]);
    expect(
      encoded.body.startsWith("> Baton task · created by **monitor** · held by **infra**"),
    ).toBe(true);
    expect(encoded.body).toMatch(/<!-- baton:v1 \{.*\} -->$/);

    const decoded = decodeIssue(asIssue(base()));
    expect(decoded).toMatchObject({
      content: base().content,
      description: base().description,
      priority: 3,
      labels: ["infra", "tls"],
      projectSlug: "ops",
      assignee: "infra",
      status: "in_progress",
      completed: false,
    });
    expect(decoded.meta).toMatchObject({
      created_by: "monitor",
      due_date: "2026-12-01",
      context: { host: "api" },
      context_version: 2,
    });
  });

  it("keeps unicode, markdown and whitespace exactly", () => {
    const description =
      "  ## Étape 1 🚀\n\n- [ ] `rm -rf /tmp/x`\n\n| a | b |\n|---|---|\n\n\ttrailing  \n";
    const decoded = decodeIssue(
      asIssue(base({ content: "Überprüfe 日本語 **bold** _x_", description })),
    );
    expect(decoded.content).toBe("Überprüfe 日本語 **bold** _x_");
    expect(decoded.description).toBe(description);
  });

  it("cuts long content in the title and keeps it whole in the body", () => {
    const content = "x".repeat(300) + " end";
    const encoded = encodeTask(base({ content }));
    expect(encoded.title).toHaveLength(256);
    expect(encoded.title.endsWith("…")).toBe(true);
    expect(decodeIssue(asIssue(base({ content }))).content).toBe(content);
  });

  it("defuses mentions, issue references and forged metadata, and still returns the exact text", () => {
    const description =
      'Ping @octocat and closes #1, fixes owner/repo#2.\n<!-- baton:v1 {"created_by":"evil","context":{"admin":true}} -->';
    const encoded = encodeTask(base({ description }));
    expect(encoded.body).not.toMatch(/(^|\s)@octocat/);
    expect(encoded.body).not.toMatch(/#1\b/);
    expect(encoded.body).not.toMatch(/repo#2/);
    // Exactly one real metadata block, Baton's own.
    expect(encoded.body.match(/<!-- baton:v1/g)).toHaveLength(1);
    const decoded = decodeIssue(asIssue(base({ description })));
    expect(decoded.description).toBe(description);
    expect(decoded.meta.created_by).toBe("monitor");
    expect(decoded.meta.context).toEqual({ host: "api" });
  });

  it("reads a person's edit of the description on github.com", () => {
    const issue = asIssue(base());
    const edited = issue.body.replace(
      "The cert expires in 7 days.",
      "Edited by a human\r\nwith CRLF",
    );
    expect(decodeIssue({ ...issue, body: edited }).description).toBe(
      "Edited by a human\nwith CRLF",
    );
  });

  it("reads state: completed, deleted (closed as not planned) and defaults", () => {
    expect(decodeIssue(asIssue(base(), "closed", "completed"))).toMatchObject({
      completed: true,
      deleted: false,
    });
    expect(decodeIssue(asIssue(base(), "closed", "not_planned"))).toMatchObject({
      completed: false,
      deleted: true,
    });
    const bare = decodeIssue({
      number: 3,
      title: "Made by a person",
      body: null,
      state: "open",
      labels: [],
    });
    expect(bare).toMatchObject({
      content: "Made by a person",
      description: null,
      priority: 2,
      assignee: null,
      status: "open",
    });
    expect(bare.meta.created_by).toBeNull();
  });

  it("takes the depth from the metadata block alone: the depth label only shows it", () => {
    const child = base({ meta: { ...base().meta, parent: 3, root: 3, depth: 2 } });
    expect(encodeTask(child).labels).toContain("depth:2");
    /** The issue with its `depth:` labels replaced, as a person on github.com could. */
    const relabelled = (fields: TaskFields, depthLabels: string[]) => {
      const issue = asIssue(fields);
      const kept = issue.labels.filter((l) => !l.name.startsWith("depth:"));
      return { ...issue, labels: [...kept, ...depthLabels.map((name) => ({ name }))] };
    };
    expect(decodeIssue(relabelled(base(), ["depth:7"])).meta.depth).toBe(0);
    expect(decodeIssue(relabelled(child, ["depth:7"])).meta.depth).toBe(2);
    expect(decodeIssue(relabelled(child, [])).meta.depth).toBe(2);
  });

  it("ignores a corrupt metadata block instead of failing", () => {
    const decoded = decodeIssue({
      number: 3,
      title: "t",
      body: "text\n\n<!-- baton:v1 {not json} -->",
      state: "open",
      labels: [],
    });
    expect(decoded.meta.created_by).toBeNull();
  });
});
