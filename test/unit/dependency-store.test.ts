import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrate } from "../../src/store/database.js";
import { SqliteDependencyStore } from "../../src/store/dependency-store.js";

function store() {
  const db = new Database(":memory:");
  migrate(db);
  const open = (id: number, isOpen = true) =>
    db
      .prepare(
        `INSERT OR REPLACE INTO task_index (task_id, open, status, priority, labels, created_at, updated_at, task)
         VALUES (?, ?, 'open', 2, '[]', '', '', '{}')`,
      )
      .run(id, isOpen ? 1 : 0);
  return { deps: new SqliteDependencyStore(db), open };
}

describe("SqliteDependencyStore", () => {
  it("adds and removes a pair once, the totals following only real changes", () => {
    const { deps } = store();
    expect(deps.add(1, 2)).toBe(true);
    expect(deps.add(1, 2)).toBe(false);
    expect(deps.fields(1)).toEqual({ blocked_by: [2], blocking: [] });
    expect(deps.fields(2)).toEqual({ blocked_by: [], blocking: [1] });
    expect([deps.totals(1), deps.totals(2)]).toEqual([
      { total_blocked_by: 1, total_blocking: 0 },
      { total_blocked_by: 0, total_blocking: 1 },
    ]);
    expect(deps.remove(1, 2)).toBe(true);
    expect(deps.remove(1, 2)).toBe(false);
    expect(deps.totals(1)).toEqual({ total_blocked_by: 0, total_blocking: 0 });
  });

  it("replaces one side of a task as GitHub read it, leaving the other alone", () => {
    const { deps } = store();
    deps.add(1, 2);
    deps.add(1, 3);
    deps.add(4, 1);
    deps.replace(1, "blocked_by", [3, 5]);
    expect(deps.fields(1)).toEqual({ blocked_by: [3, 5], blocking: [4] });
    deps.replace(1, "blocking", []);
    expect(deps.dependentsOf(1)).toEqual([]);
    deps.forget(3);
    expect(deps.blockersOf(1)).toEqual([5]);
  });

  it("says which open tasks wait for an open task, by the ready queue's index", () => {
    const { deps, open } = store();
    for (const id of [1, 2, 3]) open(id);
    open(4, false);
    deps.add(1, 2); // open blocker
    deps.add(3, 4); // closed blocker
    deps.add(5, 2); // not indexed: not in the answer
    expect(deps.openBlocked([1, 3, 5])).toEqual(
      new Map([
        [1, true],
        [3, false],
      ]),
    );
  });
});
