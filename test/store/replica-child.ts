/**
 * One "replica" for replicas.test.ts: opens the PostgreSQL store (migrating it if needed) and
 * races the others: `claims` claims tasks 1…n, `index` writes tasks 1…n into the task index (each
 * write takes the next `seq`). Prints one JSON line.
 */
import { openStore } from "../../src/store/open-store.js";
import { claimStoreFor } from "../../src/store/open-store.js";
import { emptyClaim } from "../../src/tasks/lease-rules.js";
import { SqliteTaskIndex } from "../../src/store/task-index-store.js";
import type { Task } from "../../src/tasks/task-schema.js";

const [url, schema, who, tasks, race = "claims"] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string?,
];
const db = openStore({ path: "", url, schema });
const won: number[] = [];
if (race === "index") {
  const index = new SqliteTaskIndex(db);
  // Each replica its own tasks (r1: 1001…): rows that do not lock each other.
  const base = Number(who.replace(/\D/g, "")) * 1000;
  for (let id = base + 1; id <= base + Number(tasks); id++) {
    const at = new Date().toISOString();
    const task = {
      id,
      content: `Task ${id} by ${who}`,
      priority: 2,
      labels: [],
      project: null,
      status: "open",
      due_date: null,
      created_at: at,
      updated_at: at,
      created_by_agent_id: who,
      assigned_to_agent_id: null,
    } as unknown as Task;
    index.upsert(task, true);
    won.push(id);
  }
} else {
  const claims = claimStoreFor(db);
  for (let id = 1; id <= Number(tasks); id++) {
    const taken = claims.update(id, (row) =>
      row?.agent_id
        ? { result: false }
        : {
            result: true,
            next: {
              ...emptyClaim(id),
              agent_id: who,
              token: (row?.token ?? 0) + 1,
              lease_expires_at: Date.now() + 60_000,
              claimed_at: new Date().toISOString(),
              version: (row?.version ?? 0) + 1,
            },
          },
    );
    if (taken) won.push(id);
  }
}
db.close();
console.log(JSON.stringify({ who, won }));
