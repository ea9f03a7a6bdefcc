import { describe, expect, it } from "vitest";
import { decodeIssue, encodeTask, TaskMetaSchema } from "../../src/tasks/issue-codec.js";
import {
  addLink,
  LinkCreateSchema,
  MAX_LINKS,
  type StoredLink,
} from "../../src/tasks/task-links.js";

const parse = (input: Record<string, unknown>) => LinkCreateSchema.safeParse(input);
const problems = (input: Record<string, unknown>) => {
  const result = parse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("link validation", () => {
  it("takes Delega's shape and normalises it", () => {
    expect(parse({ kind: "pr", repo: "acme/api", ref: "#12" }).data).toEqual({
      kind: "pr",
      repo: "acme/api",
      ref: "12",
      url: null,
    });
    // A URL link may carry the URL in ref alone.
    expect(parse({ kind: "url", ref: "https://grafana.example.com/d/x" }).data).toEqual({
      kind: "url",
      repo: null,
      ref: "https://grafana.example.com/d/x",
      url: "https://grafana.example.com/d/x",
    });
  });

  it("refuses unknown kinds, bad URLs and refs that do not fit the kind", () => {
    expect(problems({ kind: "issue", ref: "12" })).toEqual([
      "kind: must be one of branch, commit, pr, url",
    ]);
    expect(problems({ kind: "url", ref: "see the dashboard", url: "javascript:alert(1)" })).toEqual(
      ["url: must be an http(s) URL"],
    );
    expect(problems({ kind: "url", ref: "not a url" })).toEqual([
      "ref: must be an http(s) URL (or send the URL in `url`)",
    ]);
    expect(problems({ kind: "commit", ref: "HEAD~1" })).toEqual([
      "ref: must be a commit SHA (7–64 hex)",
    ]);
    expect(problems({ kind: "branch", ref: "fix tls" })).toEqual([
      "ref: must be a git branch name",
    ]);
    expect(problems({ kind: "pr", ref: "twelve" })).toEqual([
      "ref: must be a pull request number, e.g. 12",
    ]);
    expect(problems({ kind: "branch", ref: "main", repo: "not a repo" })).toEqual([
      "repo: must look like owner/name",
    ]);
  });
});

describe("addLink", () => {
  const link = (ref: string) => LinkCreateSchema.parse({ kind: "branch", ref });

  it("adds once: the same link again changes nothing", () => {
    const first = addLink([], link("fix/tls"), "infra", "2026-11-25T10:00:00.000Z");
    expect(first).toMatchObject({ added: true, links: [{ ref: "fix/tls", by: "infra" }] });
    const again = addLink(first.links, link("fix/tls"), "dns", "2026-11-25T11:00:00.000Z");
    expect(again.added).toBe(false);
    expect(again.links).toBe(first.links);
    expect(again.link.by).toBe("infra");
  });

  it("refuses past the limit", () => {
    const full: StoredLink[] = Array.from({ length: MAX_LINKS }, (_, i) => ({
      ...link(`b${i}`),
      by: null,
      at: "x",
    }));
    expect(() => addLink(full, link("one-more"), "infra", "x")).toThrow(
      expect.objectContaining({ status: 422, code: "too_many_links" }),
    );
  });
});

describe("links in the issue body", () => {
  const fields = (links: StoredLink[]) => ({
    content: "Renew the TLS certificate",
    description: "Use certbot.",
    priority: 2,
    labels: [],
    projectSlug: null,
    assignee: null,
    status: "open" as const,
    meta: TaskMetaSchema.parse({
      created_by: "monitor",
      checklist: [{ id: 1, content: "Reload nginx", done: false }],
      checklist_seq: 1,
      links,
    }),
  });
  const stored = (input: Record<string, unknown>): StoredLink => ({
    ...LinkCreateSchema.parse(input),
    by: "infra",
    at: "2026-11-25T10:00:00.000Z",
  });

  it("lists them for people without references or mentions, and reads them back", () => {
    const links = [
      stored({ kind: "branch", repo: "acme/api", ref: "fix/tls" }),
      stored({
        kind: "pr",
        repo: "acme/api",
        ref: "12",
        url: "https://github.com/acme/api/pull/12",
      }),
      stored({ kind: "commit", ref: "4f2c1ab" }),
      stored({ kind: "url", ref: "https://grafana.example.com/d/tls?from=now-1h" }),
      stored({ kind: "url", ref: "runbook @alice", url: "https://wiki.example.com/tls" }),
    ];
    const encoded = encodeTask(fields(links));
    expect(encoded.body.split("<!-- baton:v1")[0]).toMatchInlineSnapshot(`
      "> Baton task · created by **monitor**

      Use certbot.

      <!-- baton:checklist -->
      **Checklist**

      - [ ] Reload nginx

      <!-- baton:links -->
      **Links**

      - branch \`fix/tls\` in \`acme/api\`
      - pull request \`#12\` in \`acme/api\` · \`https://github.com/acme/api/pull/12\`
      - commit \`4f2c1ab\`
      - link: <https://grafana.example.com/d/tls?from=now-1h>
      - link \`runbook @alice\` · <https://wiki.example.com/tls>

      "
    `);
    const decoded = decodeIssue({
      number: 7,
      title: encoded.title,
      body: encoded.body,
      state: "open",
      labels: [],
    });
    expect(decoded.meta.links).toEqual(links);
    // The list is not the description, and the checklist is read as before.
    expect(decoded.description).toBe("Use certbot.");
    expect(decoded.meta.checklist).toEqual([{ id: 1, content: "Reload nginx", done: false }]);
  });

  it("keeps the other links when a person breaks one in the metadata", () => {
    const encoded = encodeTask(fields([stored({ kind: "commit", ref: "4f2c1ab" })]));
    const body = encoded.body.replace('"links":[', '"links":[{"kind":"bogus"},');
    const decoded = decodeIssue({ number: 7, title: "x", body, state: "open", labels: [] });
    expect(decoded.meta.links.map((l) => l.ref)).toEqual(["4f2c1ab"]);
    expect(decoded.meta.created_by).toBe("monitor");
  });
});
