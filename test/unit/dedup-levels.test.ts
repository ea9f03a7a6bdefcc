import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { Caller } from "../../src/tasks/access.js";
import { matchLevel } from "../../src/dedup/levels.js";
import { lexicalGuard } from "../support/lexical-guard.js";
import { DuplicateGuard, type IssueForIndex } from "../../src/services/duplicate-guard.js";
import { decodeIssue, encodeTask, TaskMetaSchema } from "../../src/tasks/issue-codec.js";

const LEVELS = { block: 0.65, flag: 0.39 };
const level = (open: string, created: string, score: number) =>
  matchLevel({ content: created }, { content: open }, score, LEVELS);

describe("dedup levels (pure)", () => {
  it("one shared word never makes a match, however high the score", () => {
    // Stop words used to shrink both titles to "project" (score 0.944, a 409).
    expect(level("In project", "No project", 0.944)).toBeUndefined();
    expect(level("open task 1", "done task", 0.66)).toBeUndefined();
    expect(level("Latency sample 11", "Direct 11", 0.9)).toBeUndefined();
  });

  it("the same work is a duplicate over the block level and possible under it", () => {
    const paraphrase = [
      "Restart the payments service in eu-west-1",
      "Bounce the payments service in eu-west-1, it is stuck",
    ] as const;
    expect(level(...paraphrase, 0.7)).toBe("duplicate");
    expect(level(...paraphrase, 0.5)).toBe("possible");
    expect(level(...paraphrase, 0.3)).toBeUndefined();
    expect(
      level("Expired certificate on the VPN gateway", "VPN gateway certificate expired", 0.88),
    ).toBe("duplicate");
  });

  it("another target, action or period, or a sub-step, is neither sure nor possible", () => {
    const differentWork: [string, string][] = [
      ["Restart the payments service in eu-west-1", "Restart the payments service in us-east-1"],
      ["Backfill the orders table in the warehouse", "Backfill the refunds table in the warehouse"],
      ["Renew the Salesforce contract", "Renew the Zoom contract"],
      [
        "Deploy the new ingress controller to staging",
        "Roll back the new ingress controller on staging",
      ],
      [
        "Draft the incident report for the leaked token",
        "Publish the incident report for the leaked token",
      ],
      ["Refresh the sales forecast for March", "Refresh the sales forecast for April"],
      ["Q1 model performance review", "Q2 model performance review"],
      ["Fix the login page crash on Safari", "Reproduce the login page crash on Safari 17"],
      [
        "Harden the bastion host",
        "Disable password login on the bastion host as part of hardening",
      ],
    ];
    for (const [open, created] of differentWork)
      expect({ open, created, level: level(open, created, 0.95) }).toEqual({
        open,
        created,
        level: undefined,
      });
  });

  it("two reports of a problem are duplicates at the bug-report level, unless their frames differ", () => {
    const reports = { ...LEVELS, reports: 0.26, reportChars: 90 };
    const asReports = (open: string, created: string, score: number) =>
      matchLevel({ content: created }, { content: open }, score, reports);
    // Symptom titles (no action asked): compared as the public bug reports are.
    expect(
      asReports("right click in mail does not work", "Right-clicking in Seamonkey Mail fails", 0.5),
    ).toBe("duplicate");
    expect(
      asReports("right click in mail does not work", "Right-clicking in Seamonkey Mail fails", 0.2),
    ).toBe(undefined);
    // The same score between two task lines is only possible.
    expect(
      asReports(
        "Restart the payments service in eu-west-1",
        "Bounce the payments service in eu-west-1, it is stuck",
        0.5,
      ),
    ).toBe("possible");
    // Another target, or another subject of the symptom ("Triage agent crashes" asks for no triage).
    expect(
      asReports("Checkout page crashes on Safari", "Checkout page crashes on Firefox", 0.9),
    ).toBe(undefined);
    expect(
      asReports(
        "Triage agent crashes when the queue is empty",
        "Billing agent crashes when the queue is empty",
        0.9,
      ),
    ).toBe(undefined);
    expect(
      asReports(
        "Nightly backup of the orders database fails",
        "Nightly backup of the users database fails",
        0.9,
      ),
    ).toBe(undefined);
  });

  it("more detail or an abbreviation is still the same work", () => {
    expect(
      matchLevel(
        {
          content: "Rotate the Stripe API key",
          description: "The key was pasted in Slack; rotate it and redeploy billing.",
        },
        { content: "Rotate the Stripe API key" },
        0.8,
        LEVELS,
      ),
    ).toBe("duplicate");
    expect(
      level(
        "Renew TLS cert for api.example.com",
        "Renew the TLS certificate for api.example.com",
        0.8,
      ),
    ).toBe("duplicate");
    expect(
      level(
        "Upgrade the k8s cluster in prod to 1.29",
        "Upgrade the Kubernetes production cluster to 1.29",
        0.8,
      ),
    ).toBe("duplicate");
  });
});

let db: Database.Database;
afterEach(() => db?.close());

const worker: Caller = { id: "builder", role: "worker" };

/** An open task held by the caller, as the guard indexes it (`root`/`parent` for a child). */
function task(
  number: number,
  title: string,
  chain?: { root: number; parent: number },
): IssueForIndex {
  const meta = TaskMetaSchema.parse({ created_by: "builder", ...chain, depth: chain ? 1 : 0 });
  const encoded = encodeTask({
    content: title,
    description: null,
    priority: 2,
    labels: [],
    projectSlug: null,
    assignee: "builder",
    status: "open",
    meta,
  });
  return {
    number,
    url: `https://github.com/o/r/issues/${number}`,
    decoded: decodeIssue({
      number,
      title: encoded.title,
      body: encoded.body,
      state: "open",
      labels: encoded.labels.map((name) => ({ name })),
    }),
  };
}

async function guardWith(issues: IssueForIndex[]): Promise<DuplicateGuard> {
  const { guard, db: fresh } = await lexicalGuard();
  db = fresh;
  for (const issue of issues) await guard.index(issue);
  return guard;
}

describe("a delegated child is never compared with its own chain", () => {
  const parent = task(5, "Rotate the TLS certificates of the public gateway");
  const sibling = task(6, "Rotate the TLS certificates of the public gateway now", {
    root: 5,
    parent: 5,
  });
  const stranger = task(9, "Rotate the TLS certificates of the public gateway");
  const child = { content: "Rotate the TLS certificates of the public gateway" };

  it("neither its parent nor a sibling matches; a task of another chain still does", async () => {
    const guard = await guardWith([parent, sibling, stranger]);
    const asChild = await guard.check(worker, { ...child, parentId: 5 });
    expect(asChild.matches.map((m) => m.task_id)).toEqual([9]);
    const asRoot = await guard.check(worker, child);
    expect(asRoot.matches.map((m) => m.task_id).sort()).toEqual([5, 6, 9]);
  });

  it("a grandchild skips every task of the root's chain (its parent is itself a child)", async () => {
    const guard = await guardWith([parent, sibling]);
    const found = await guard.check(worker, { ...child, parentId: 6 });
    expect(found).toEqual({ has_duplicates: false, matches: [], possible_duplicates: [] });
  });

  it("the create is refused with the existing task's id, and a possible duplicate goes on", async () => {
    const guard = await guardWith([stranger]);
    // The write sees what the check passed on; it stops there (no GitHub in this test).
    const attempt = (text: typeof child) =>
      guard.createUnique(worker, text, { skip: false }, (possible) =>
        Promise.reject(Object.assign(new Error("written"), { possible })),
      );
    await expect(attempt(child)).rejects.toMatchObject({
      status: 409,
      code: "duplicate_task",
      message: expect.stringContaining("Task #9 is the same work"),
      details: expect.objectContaining({ existing_task_id: 9 }),
    });
    const written = (await attempt({
      content: "Rotate TLS certs on the public gateway, they expire soon",
    }).catch((error: unknown) => error)) as { possible: unknown };
    expect(written.possible).toEqual([expect.objectContaining({ task_id: 9 })]);
  });
});

describe("the delegation fixture (bench/data/agent-tasks/delegations.jsonl)", () => {
  it("no realistic delegation is refused, with every parent of the fixture open", async () => {
    const fixture = readFileSync(
      new URL("../../bench/data/agent-tasks/delegations.jsonl", import.meta.url),
      "utf8",
    )
      .trim()
      .split("\n")
      .map(
        (line) => JSON.parse(line) as { parent: { content: string }; child: { content: string } },
      );
    expect(fixture.length).toBeGreaterThanOrEqual(30);
    const parents = [...new Set(fixture.map((pair) => pair.parent.content))];
    const guard = await guardWith(parents.map((title, index) => task(index + 1, title)));
    const refused: string[] = [];
    for (const pair of fixture) {
      const parentId = parents.indexOf(pair.parent.content) + 1;
      const found = await guard.check(worker, { ...pair.child, parentId });
      if (found.has_duplicates) refused.push(pair.child.content);
    }
    expect(refused).toEqual([]);
  });
});
