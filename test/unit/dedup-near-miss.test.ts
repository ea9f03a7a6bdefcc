import Database from "better-sqlite3";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/store/database.js";
import { DedupService, DEFAULT_METHOD } from "../../src/dedup/index.js";
import { extractSpecifics, specificsConflict } from "../../src/dedup/specifics.js";
import { DedupStore } from "../../src/store/dedup-store.js";

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/dedup/near-misses.json", import.meta.url), "utf8"),
) as {
  nearMisses: [string, string][];
  paraphrases: [string, string][];
};
// Real issues as the other open tasks, so that term statistics look like a real backlog.
const background = readFileSync(
  new URL("../../bench/data/dedup/corpus.jsonl", import.meta.url),
  "utf8",
)
  .trim()
  .split("\n")
  .slice(0, 300)
  .map((line) => JSON.parse(line) as { title: string; body: string });

const TARGET = 1_000_000;
let db: Database.Database;
let dedup: DedupService;

beforeAll(async () => {
  db = new Database(":memory:");
  migrate(db);
  dedup = await DedupService.create({
    method: DEFAULT_METHOD,
    scope: "repo",
    onError: "fail",
    store: new DedupStore(db),
  });
  await dedup.syncOpenTasks(
    background.map((issue, index) => ({
      taskId: index + 1,
      url: `u${index}`,
      content: issue.title,
      description: issue.body,
      projectId: null,
    })),
  );
});
afterAll(() => db.close());

async function matchesOpenTask(open: string, candidate: string): Promise<boolean> {
  await dedup.upsert({
    taskId: TARGET,
    url: "target",
    content: open,
    description: "",
    projectId: null,
  });
  const result = await dedup.check({ content: candidate });
  dedup.remove(TARGET);
  return result.matches.some((match) => match.task_id === TARGET);
}

describe(`near misses under the default method (${DEFAULT_METHOD})`, () => {
  it.each(fixture.nearMisses)("%s ≠ %s", async (open, candidate) => {
    expect(await matchesOpenTask(open, candidate)).toBe(false);
    expect(await matchesOpenTask(candidate, open)).toBe(false);
  });

  it.each(fixture.paraphrases)("%s = %s", async (open, candidate) => {
    expect(await matchesOpenTask(open, candidate)).toBe(true);
  });
});

describe("specifics", () => {
  it("finds versions, hosts, dates and numbers, and only conflicts when both sides name one", () => {
    const specifics = (text: string) => extractSpecifics(text);
    expect(
      specificsConflict(
        specifics("Upgrade lodash to 4.13.1"),
        specifics("Upgrade lodash to 4.13.2"),
      ),
    ).toBe(true);
    expect(
      specificsConflict(specifics("Upgrade lodash"), specifics("Upgrade lodash to 4.13.2")),
    ).toBe(false);
    expect(
      specificsConflict(specifics("Disk on api.example.com"), specifics("Disk on db.example.com")),
    ).toBe(true);
    expect(
      specificsConflict(
        specifics("Fix NPE in org.apache.hadoop.fs.FileSystem"),
        specifics("Fix NPE in FileSystem"),
      ),
    ).toBe(false);
    expect(
      specificsConflict(
        specifics("Rotate keys on 2025-03-01"),
        specifics("Rotate keys on 2025-03-01"),
      ),
    ).toBe(false);
  });
});
