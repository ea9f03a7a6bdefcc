import { describe, expect, it } from "vitest";
import {
  checkNewDependency,
  findCycle,
  inRepository,
  MAX_DEPENDENCIES,
  newlyUnblocked,
} from "../../src/tasks/dependency-rules.js";
import { isBatonError } from "../../src/errors.js";

/** Known pairs as "task: its blockers". */
const graph = (pairs: Record<number, number[]>) => (id: number) => pairs[id] ?? [];

const refusal = (run: () => void) => {
  try {
    run();
    return "none";
  } catch (error) {
    return isBatonError(error)
      ? `${error.status} ${error.code} ${JSON.stringify(error.details)}`
      : String(error);
  }
};

describe("findCycle", () => {
  it("names the shortest way the blocker already waits for the task", () => {
    // 2 waits for 3, 3 for 4 and 1, 4 for 1: making 1 wait for 2 closes 1 → 2 → 3 → 1.
    const blockersOf = graph({ 2: [3], 3: [4, 1], 4: [1] });
    expect(findCycle(1, 2, blockersOf)).toEqual([1, 2, 3, 1]);
    expect(findCycle(1, 4, blockersOf)).toEqual([1, 4, 1]);
  });

  it("finds none in a diamond, and ends on a circle it is not part of", () => {
    expect(findCycle(1, 2, graph({ 2: [3, 4], 3: [5], 4: [5] }))).toBeNull();
    expect(findCycle(1, 2, graph({ 2: [3], 3: [2] }))).toBeNull();
  });
});

describe("checkNewDependency", () => {
  const base = {
    taskId: 1,
    blockerId: 2,
    blockersOf: graph({}),
    totalBlockedBy: 0,
    blockerTotalBlocking: 0,
  };

  it("accepts a plain pair", () => {
    expect(refusal(() => checkNewDependency(base))).toBe("none");
  });

  it("refuses itself, a circle, and a 51st issue on either side, with codes", () => {
    expect(refusal(() => checkNewDependency({ ...base, blockerId: 1 }))).toBe(
      '422 dependency_on_self {"field":"blocked_by"}',
    );
    expect(refusal(() => checkNewDependency({ ...base, blockersOf: graph({ 2: [1] }) }))).toBe(
      '422 dependency_cycle {"field":"blocked_by","cycle":[1,2,1]}',
    );
    expect(
      refusal(() => checkNewDependency({ ...base, totalBlockedBy: MAX_DEPENDENCIES })),
    ).toMatch(/^422 too_many_dependencies/);
    expect(
      refusal(() => checkNewDependency({ ...base, blockerTotalBlocking: MAX_DEPENDENCIES })),
    ).toMatch(/^422 too_many_dependencies/);
  });
});

describe("newlyUnblocked", () => {
  it("is the tasks blocked before and open and free after", () => {
    const before = new Map([
      [1, true],
      [2, true],
      [3, false],
      [4, true],
    ]);
    // 1 is free now, 2 still blocked, 3 was never blocked, 4 closed meanwhile.
    const after = new Map([
      [1, false],
      [2, true],
      [3, false],
    ]);
    expect(newlyUnblocked(before, after)).toEqual([1]);
  });
});

describe("inRepository", () => {
  it("reads the repository URL, else the page URL, in any case", () => {
    const html = "https://github.com/acme/tasks/issues/3";
    expect(
      inRepository(
        { repository_url: "https://api.github.com/repos/Acme/Tasks", html_url: html },
        "acme",
        "tasks",
      ),
    ).toBe(true);
    expect(
      inRepository(
        { repository_url: "https://api.github.com/repos/acme/other", html_url: html },
        "acme",
        "tasks",
      ),
    ).toBe(false);
    expect(inRepository({ html_url: html }, "ACME", "tasks")).toBe(true);
    expect(
      inRepository({ html_url: "https://github.com/acme/tasks-old/issues/3" }, "acme", "tasks"),
    ).toBe(false);
  });
});
