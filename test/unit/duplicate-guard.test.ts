import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { Caller } from "../../src/tasks/access.js";
import { DedupService } from "../../src/dedup/index.js";
import { migrate } from "../../src/store/database.js";
import { DuplicateGuard, type IssueForIndex } from "../../src/services/duplicate-guard.js";
import { decodeIssue } from "../../src/tasks/issue-codec.js";
import { DedupStore } from "../../src/store/dedup-store.js";

let db: Database.Database;
afterEach(() => db?.close());

const worker: Caller = { id: "builder", role: "worker" };
// Held by the caller (agent:builder), so the caller may see it.
const open: IssueForIndex = {
  number: 7,
  url: "https://github.com/o/r/issues/7",
  decoded: decodeIssue({
    number: 7,
    title: "Check disk usage on the build server",
    body: null,
    state: "open",
    labels: [{ name: "agent:builder" }],
  }),
};

describe("DuplicateGuard start-up sync", () => {
  it("a failed sync fails the check (never an empty index), and the next check tries again", async () => {
    db = new Database(":memory:");
    migrate(db);
    const guard = new DuplicateGuard(
      await DedupService.create({
        method: "lexical",
        scope: "repo",
        onError: "fail",
        store: new DedupStore(db),
      }),
    );
    let calls = 0;
    guard.startSync(async () => {
      calls++;
      if (calls === 1) throw new Error("GitHub unreachable");
      return [open];
    });
    const text = { content: "check the disk usage of the build server" };
    await expect(guard.check(worker, text)).rejects.toThrow("GitHub unreachable");
    const found = await guard.check(worker, text);
    expect(calls).toBe(2);
    expect(found.matches.map((match) => match.task_id)).toEqual([7]);
    await guard.check(worker, text);
    expect(calls).toBe(2);
  });

  it("a task indexed while the sync reads the open issues is kept (the list is older)", async () => {
    db = new Database(":memory:");
    migrate(db);
    const guard = new DuplicateGuard(
      await DedupService.create({
        method: "lexical",
        scope: "repo",
        onError: "fail",
        store: new DedupStore(db),
      }),
    );
    let listed!: (issues: IssueForIndex[]) => void;
    guard.startSync(() => new Promise((resolve) => (listed = resolve)));
    // A webhook (or a create that skipped the check) indexes #7 before the list arrives without it.
    await guard.index(open);
    listed([]);
    const found = await guard.check(worker, {
      content: "check the disk usage of the build server",
    });
    expect(found.matches.map((match) => match.task_id)).toEqual([7]);
  });

  it("two concurrent creates of one text make one task and one 409", async () => {
    db = new Database(":memory:");
    migrate(db);
    const guard = new DuplicateGuard(
      await DedupService.create({
        method: "lexical",
        scope: "repo",
        onError: "fail",
        store: new DedupStore(db),
      }),
    );
    guard.startSync(async () => []);
    let nextNumber = 100;
    const created: number[] = [];
    const create = () =>
      guard
        .exclusive(async () => {
          await guard.assertUnique(worker, { content: "Check disk usage" });
          const number = nextNumber++;
          // GitHub takes a while to answer: the other create must wait, not check meanwhile.
          await new Promise((resolve) => setTimeout(resolve, 5));
          created.push(number);
          const issue: IssueForIndex = {
            number,
            url: `https://github.com/o/r/issues/${number}`,
            decoded: decodeIssue({
              number,
              title: "Check disk usage",
              body: null,
              state: "open",
              labels: [{ name: "agent:builder" }],
            }),
          };
          await guard.index(issue);
        })
        .then(
          () => "created",
          (error: { code?: string }) => error.code,
        );
    const outcomes = await Promise.all([create(), create()]);
    expect(outcomes.sort()).toEqual(["created", "duplicate_task"]);
    expect(created).toHaveLength(1);
  });
});
