import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { Caller } from "../../src/tasks/access.js";
import type { IssueForIndex } from "../../src/services/duplicate-guard.js";
import { decodeIssue } from "../../src/tasks/issue-codec.js";
import { SqliteTaskIndex } from "../../src/store/task-index-store.js";
import type { Task } from "../../src/tasks/task-schema.js";
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

describe("DuplicateGuard with replicas (one shared store, a guard each)", () => {
  const url = (number: number) => `https://github.com/o/r/issues/${number}`;
  // A task as the shared task index holds it: held by the caller, so the caller may see it.
  const task = (id: number, content: string, completed = false): Task =>
    ({
      id,
      content,
      description: null,
      priority: 2,
      labels: [],
      project: null,
      due_date: null,
      created_at: "2026-01-01T00:00:00.000Z",
      url: url(id),
      status: completed ? "completed" : "open",
      completed,
      created_by_agent_id: "lead",
      assigned_to_agent_id: "builder",
      root_task_id: id,
      updated_at: completed ? "2026-01-02T00:00:00.000Z" : "2026-01-01T00:00:00.000Z",
    }) as unknown as Task;
  const issue = (number: number, title: string, state: "open" | "closed" = "open") => ({
    number,
    url: url(number),
    decoded: decodeIssue({ number, title, body: null, state, labels: [{ name: "agent:builder" }] }),
  });

  it("a task another replica created a moment ago is refused here, counted once, and freed when closed there", async () => {
    const shared = new Database(":memory:");
    db = shared;
    const index = new SqliteTaskIndex(shared);
    const [a, b] = [
      (await lexicalGuard({ db: shared, changes: index })).guard,
      (await lexicalGuard({ db: shared, changes: index })).guard,
    ];
    const original = "Check disk usage on web-1";
    const paraphrase = "check disk usage on web-1 host";
    // Replica A creates #7: its write reaches the shared index (no webhook reaches B).
    await a.createUnique(worker, { content: original }, { skip: false }, async () => {
      index.upsert(task(7, original), true);
      return { result: 7, issue: issue(7, original) };
    });
    const write = (id: number, content: string) => async () => {
      index.upsert(task(id, content), true);
      return { result: id, issue: issue(id, content) };
    };
    await expect(
      b.createUnique(worker, { content: paraphrase }, { skip: false }, write(8, paraphrase)),
    ).rejects.toMatchObject({
      status: 409,
      code: "duplicate_task",
      details: { existing_task_id: 7 },
    });
    // A's own write, then the same change read back from the index: one match, not two.
    for (const guard of [a, b]) {
      const found = await guard.check(worker, { content: paraphrase });
      expect([...found.matches, ...found.possible_duplicates].map((m) => m.task_id)).toEqual([7]);
    }

    // A completes #7: B stops matching it at once.
    index.upsert(task(7, original, true), false);
    await a.index(issue(7, original, "closed"));
    expect((await b.check(worker, { content: paraphrase })).matches).toEqual([]);
    await expect(
      b.createUnique(worker, { content: paraphrase }, { skip: false }, write(8, paraphrase)),
    ).resolves.toBe(8);
    // And now A refuses B's task.
    await expect(
      a.createUnique(worker, { content: original }, { skip: false }, write(9, original)),
    ).rejects.toMatchObject({ code: "duplicate_task", details: { existing_task_id: 8 } });
  });
});
