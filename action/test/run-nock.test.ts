/* eslint-disable no-irregular-whitespace -- snapshots show the zero-width space that defuses @mentions */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { run } from "../src/run.js";
import { actionYml, parseOutputFile } from "./support/run-action.js";

const API = "https://api.github.com";
const REPO = "/repos/acme/tasks";
let outputFile: string;
let summaryFile: string;

/** Inputs as the runner sets them: every action.yml input, defaults filled in. */
function withInputs(inputs: Record<string, string>): void {
  for (const [name, spec] of Object.entries(actionYml.inputs)) {
    const value =
      inputs[name] ?? (spec.default === "${{ github.token }}" ? "ghs_test" : (spec.default ?? ""));
    vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
  }
}

const outputs = () => parseOutputFile(readFileSync(outputFile, "utf8"));

const issueJson = (number: number, extra: Record<string, unknown> = {}) => ({
  id: 1_000_000 + number,
  node_id: `I_${number}`,
  number,
  title: "Deploy v1.2.3",
  body: '> Baton task · created by **deployer**\n\n\n\n<!-- baton:v1 {"created_by":"deployer","description_hash":"e3b0c44298fc1c14"} -->',
  state: "open",
  state_reason: null,
  labels: [{ id: 1, name: "priority:medium" }],
  user: { login: "baton[bot]", type: "Bot" },
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  closed_at: null,
  html_url: `https://github.com/acme/tasks/issues/${number}`,
  ...extra,
});

const knownLabels = ["priority:low", "priority:medium", "priority:high", "priority:urgent"].map(
  (name, i) => ({ id: i + 1, name, color: "ededed", description: null }),
);

beforeEach(() => {
  nock.disableNetConnect();
  const dir = mkdtempSync(join(tmpdir(), "baton-action-nock-"));
  outputFile = join(dir, "output");
  summaryFile = join(dir, "summary");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  vi.stubEnv("GITHUB_REPOSITORY", "acme/tasks");
  vi.stubEnv("GITHUB_API_URL", API);
  vi.stubEnv("GITHUB_OUTPUT", outputFile);
  vi.stubEnv("GITHUB_STEP_SUMMARY", summaryFile);
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
});

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
  nock.enableNetConnect();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe("run() in token mode, requests intercepted by nock", () => {
  it("create: lists open issues for duplicates, makes missing labels with colours, creates the issue", async () => {
    const bodies: Record<string, unknown>[] = [];
    const keep = (body: Record<string, unknown>) => {
      bodies.push(body);
      return true;
    };
    nock(API)
      .get(`${REPO}/issues`)
      .query({ state: "open", per_page: 100, sort: "created", direction: "desc", page: 1 })
      .reply(200, [issueJson(7)])
      .get(`${REPO}/labels`)
      .query({ per_page: 100, page: 1 })
      .reply(200, knownLabels)
      .post(`${REPO}/labels`, keep)
      .reply(201, { id: 20, name: "nightly", color: "bfd4f2", description: "Baton task label" })
      .post(`${REPO}/issues`, keep)
      .reply(201, (_uri, body) => issueJson(8, { ...(body as object), labels: [] }));
    withInputs({
      operation: "create",
      content: "Nightly link check failed",
      description: "See the run.",
      priority: "urgent",
      labels: "nightly",
    });

    await run({ fetch: globalThis.fetch });

    expect(process.exitCode).toBeUndefined();
    const [label, issue] = bodies;
    expect(label).toMatchInlineSnapshot(`
      {
        "color": "bfd4f2",
        "description": "Baton task label",
        "name": "nightly",
      }
    `);
    const withoutNonce = JSON.parse(JSON.stringify(issue).replace(/[0-9a-f-]{36}/, "<nonce>"));
    expect(withoutNonce).toMatchInlineSnapshot(`
      {
        "body": "> Baton task · created by **github-actions**

      See the run.

      <!-- baton:v1 {"created_by":"github-actions","nonce":"<nonce>","description_hash":"e60f58d19fedd58c"} -->",
        "labels": [
          "priority:urgent",
          "nightly",
        ],
        "title": "Nightly link check failed",
      }
    `);
    expect(outputs()).toEqual({
      "task-id": "8",
      "task-url": "https://github.com/acme/tasks/issues/8",
      status: "open",
      "duplicate-of": "",
    });
    expect(readFileSync(summaryFile, "utf8")).toContain(
      "[#8 Nightly link check failed](https://github.com/acme/tasks/issues/8)",
    );
  });

  it("create: an open issue with the same title is the answer, nothing is written", async () => {
    nock(API)
      .get(`${REPO}/issues`)
      .query(true)
      .reply(200, [issueJson(7, { title: "Nightly link check FAILED" })]);
    withInputs({ operation: "create", content: "nightly link check failed." });

    await run({ fetch: globalThis.fetch });

    expect(process.exitCode).toBeUndefined();
    expect(outputs()).toMatchObject({ "task-id": "7", "duplicate-of": "7", status: "open" });
  });

  it("complete with a comment: the note, then one PATCH that closes it as completed", async () => {
    const bodies: unknown[] = [];
    nock(API)
      // One read: the comment does not read the task again.
      .get(`${REPO}/issues/7`)
      .reply(200, issueJson(7), { etag: '"v1"' })
      .post(`${REPO}/issues/7/comments`, (body) => bodies.push(body) > 0)
      .reply(201, {
        id: 1,
        body: "",
        user: null,
        created_at: "2026-01-01T00:00:00Z",
        html_url: "https://github.com/acme/tasks/issues/7#issuecomment-1",
      })
      .patch(`${REPO}/issues/7`, (body) => bodies.push(body) > 0)
      .reply(200, (_uri, body) => issueJson(7, body as object));
    withInputs({ operation: "complete", "task-id": "7", comment: "Deployed by run 42 @here" });

    await run({ fetch: globalThis.fetch });

    expect(process.exitCode).toBeUndefined();
    // The comment's nonce is random (it finds the comment again if GitHub's answer is lost).
    const shown = JSON.parse(
      JSON.stringify(bodies).replace(
        /\\"nonce\\":\\"[0-9a-f-]{36}\\"/g,
        '\\"nonce\\":\\"<nonce>\\"',
      ),
    ) as unknown;
    expect(shown).toMatchInlineSnapshot(`
      [
        {
          "body": "> Baton agent **github-actions** commented

      Deployed by run 42 @​here

      <!-- baton:comment {"agent":"github-actions","content":"Deployed by run 42 \\u0040here","hash":"37d0fb55c1e4655c","nonce":"<nonce>"} -->",
        },
        {
          "body": "> Baton task · created by **deployer**



      <!-- baton:v1 {"created_by":"deployer","completed_by":"github-actions","description_hash":"e3b0c44298fc1c14"} -->",
          "state": "closed",
          "state_reason": "completed",
        },
      ]
    `);
    expect(outputs()).toMatchObject({ "task-id": "7", status: "completed" });
  });

  it("a GitHub failure fails the step with one line", async () => {
    nock(API)
      .get(`${REPO}/issues/7`)
      .reply(403, { message: "Resource not accessible by integration" });
    withInputs({ operation: "get", "task-id": "7" });
    const lines: string[] = [];
    vi.mocked(process.stdout.write).mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });

    await run({ fetch: globalThis.fetch });

    expect(process.exitCode).toBe(1);
    expect(lines.filter((l) => l.startsWith("::error::"))).toEqual([
      "::error::GitHub refused Baton's request (403): check the App's permissions and installation [github_forbidden]\n",
    ]);
  });
});
