/**
 * One "replica" for replicas.test.ts: opens the PostgreSQL store (migrating it if needed) and
 * races the others: `claims` claims tasks 1…n, `index` writes tasks 1…n into the task index (each
 * write takes the next `seq`), `queue` takes ready tasks with queue claims (the claim service's
 * `POST /tasks/claim`), n agents one after the other until the queue answers null. Prints one
 * JSON line.
 */
import { openStore } from "../../src/store/open-store.js";
import { claimStoreFor } from "../../src/store/open-store.js";
import { emptyClaim } from "../../src/tasks/lease-rules.js";
import { SqliteTaskIndex } from "../../src/store/task-index-store.js";
import type { Task } from "../../src/tasks/task-schema.js";
import { ClaimService, type ClaimServiceOptions } from "../../src/claims/claim-service.js";

const [url, schema, who, tasks, race = "claims", racers = "1"] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string?,
  string?,
];
const db = openStore({ path: "", url, schema });
const won: number[] = [];
if (race === "queue") {
  // The real claim service on the shared store; what it needs of GitHub answers from the index.
  const index = new SqliteTaskIndex(db);
  const read = async (_caller: unknown, id: number) => ({ task: index.entry(id)!.task, issue: {} });
  const options = {
    store: claimStoreFor(db),
    index,
    tasks: { load: read, toTask: async () => undefined, reindex: async () => undefined },
    projects: { resolve: async () => undefined, slugsOf: async () => null },
    keeper: { releaseExpired: () => [], show: async () => undefined },
    events: { claimed: () => undefined, released: () => undefined, stateChanged: () => undefined },
    bounds: { minSeconds: 1, maxSeconds: 3600, defaultSeconds: 300 },
  } as unknown as ClaimServiceOptions;
  const claims = new ClaimService(options);
  // Started one after the other (each compiles and migrates): they race once all are ready.
  db.prepare("INSERT INTO settings (key, value) VALUES (?, '1')").run(`queue-ready:${who}`);
  const ready = db.prepare("SELECT COUNT(*) AS n FROM settings WHERE key LIKE 'queue-ready:%'");
  while (Number((ready.get() as { n: number }).n) < Number(racers))
    await new Promise((resolve) => setTimeout(resolve, 5));
  for (let n = 1; n <= Number(tasks); n++) {
    const { task } = await claims.claimNext({ id: `${who}-agent${n}`, role: "worker" }, {});
    if (!task) break;
    won.push(task.id);
  }
} else if (race === "index") {
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
