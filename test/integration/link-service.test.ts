// The link service in process, against the GitHub double: the exact request a new link sends.
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LinkService } from "../../src/services/link-service.js";
import type { TaskService } from "../../src/services/task-service.js";
import type { Caller } from "../../src/tasks/access.js";
import { LinkCreateSchema } from "../../src/tasks/task-links.js";
import { startGitHubDouble, type GitHubDouble } from "../support/github-double/index.ts";
import type { RecordedRequests } from "../support/github-double/recorded-requests.ts";
import { inProcessServices } from "../support/in-process-services.ts";

let double: GitHubDouble;
let db: Database.Database;
let tasks: TaskService;
let recorded: RecordedRequests;
const builder: Caller = { id: "builder", role: "worker" };
const NOW = new Date("2026-11-25T10:00:00.000Z");

beforeAll(async () => {
  double = await startGitHubDouble({ repo: "acme/tasks" });
  ({ db, tasks, recorded } = inProcessServices(double));
});
afterAll(async () => {
  db?.close();
  await double?.close();
});

describe("LinkService", () => {
  it("a new link is one PATCH of the body: the metadata and the list; the same link, none", async () => {
    const task = await tasks.create(
      builder,
      { content: "Fix the flaky upload test", description: "See CI." },
      { intent: { nonce: "nonce-link", inDoubtSince: null } },
    );
    const links = new LinkService(tasks, () => NOW);
    const link = LinkCreateSchema.parse({
      kind: "commit",
      repo: "acme/uploader",
      ref: "9c1e5d2",
      url: "https://github.com/acme/uploader/commit/9c1e5d2",
    });
    recorded.clear();
    const added = await links.add(builder, task.id, link);
    expect(added.created).toBe(true);
    expect(recorded.sent).toMatchInlineSnapshot(`
      [
        {
          "body": {
            "body": "> Baton task · created by **builder**

      See CI.

      <!-- baton:links -->
      **Links**

      - commit \`9c1e5d2\` in \`acme/uploader\` · <https://github.com/acme/uploader/commit/9c1e5d2>

      <!-- baton:v1 {"created_by":"builder","nonce":"nonce-link","description_hash":"a2e032e2fde4e3b9","links":[{"kind":"commit","repo":"acme/uploader","ref":"9c1e5d2","url":"https://github.com/acme/uploader/commit/9c1e5d2","by":"builder","at":"2026-11-25T10:00:00.000Z"}]} -->",
            "issue_number": 1,
          },
          "request": "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
        },
      ]
    `);
    recorded.clear();
    expect((await links.add(builder, task.id, link)).created).toBe(false);
    expect(recorded.sent).toEqual([]);
    expect(await links.list(builder, task.id)).toEqual([added.link]);
  });
});
