import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { Caller } from "../../src/tasks/access.js";
import type { IssueForIndex } from "../../src/services/duplicate-guard.js";
import { decodeIssue } from "../../src/tasks/issue-codec.js";
import { lexicalGuard } from "../support/lexical-guard.js";

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
    const { guard, db: fresh } = await lexicalGuard();
    db = fresh;
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
    const { guard, db: fresh } = await lexicalGuard();
    db = fresh;
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
    const { guard, db: fresh } = await lexicalGuard();
    db = fresh;
    guard.startSync(async () => []);
    let nextNumber = 100;
    const created: number[] = [];
    const create = () =>
      guard
        .createUnique(worker, { content: "Check disk usage" }, { skip: false }, async () => {
          const number = nextNumber++;
          // GitHub takes a while to answer: the other create must wait, not pass the check meanwhile.
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
          return { result: number, issue };
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

describe("DuplicateGuard concurrent creates", () => {
  const issue = (number: number, title: string): IssueForIndex => ({
    number,
    url: `https://github.com/o/r/issues/${number}`,
    decoded: decodeIssue({
      number,
      title,
      body: null,
      state: "open",
      labels: [{ name: "agent:builder" }],
    }),
  });

  it("a slow create holds back only a create of the same text, which then meets it as a duplicate", async () => {
    const { guard, db: fresh } = await lexicalGuard();
    db = fresh;
    guard.startSync(async () => []);
    const same = { content: "Rotate the staging database credentials" };
    let answer!: () => void;
    const githubAnswers = new Promise<void>((resolve) => (answer = resolve));
    const slow = guard.createUnique(worker, same, { skip: false }, async () => {
      await githubAnswers;
      return { result: { id: 1 }, issue: issue(1, same.content) };
    });
    const twin = guard.createUnique(worker, same, { skip: false }, async () => ({
      result: { id: 2 },
      issue: issue(2, same.content),
    }));
    // Another text goes ahead while the slow create still waits for GitHub.
    const other = await guard.createUnique(
      worker,
      { content: "Renew the TLS certificate of the docs site" },
      { skip: false },
      async () => ({
        result: { id: 3 },
        issue: issue(3, "Renew the TLS certificate of the docs site"),
      }),
    );
    expect(other).toEqual({ id: 3 });
    // Nor does the public check show the pending create.
    expect((await guard.check(worker, same)).matches).toEqual([]);

    answer();
    await expect(slow).resolves.toEqual({ id: 1 });
    await expect(twin).rejects.toMatchObject({ status: 409, code: "duplicate_task" });
  });
});
