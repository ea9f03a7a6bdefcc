/**
 * One "replica" for replicas.test.ts: opens the PostgreSQL store (migrating it if needed) and,
 * asked to, races the others to claim tasks. Prints one JSON line.
 */
import { openStore } from "../../src/store/open-store.js";
import { claimStoreFor } from "../../src/store/open-store.js";

const [url, schema, who, tasks] = process.argv.slice(2) as [string, string, string, string];
const db = openStore({ path: "", url, schema });
const won: number[] = [];
const claims = claimStoreFor(db);
for (let id = 1; id <= Number(tasks); id++) {
  const taken = claims.update(id, (row) =>
    row?.agent_id
      ? { result: false }
      : {
          result: true,
          next: {
            task_id: id,
            agent_id: who,
            token: (row?.token ?? 0) + 1,
            lease_expires_at: Date.now() + 60_000,
            claimed_at: new Date().toISOString(),
            heartbeat_at: null,
            session_state: null,
            session_state_detail: null,
            handoff_note: null,
            handoff_by_agent_id: null,
            handoff_state: null,
            released_at: null,
            release_reason: null,
            version: (row?.version ?? 0) + 1,
            shown_version: 0,
          },
        },
  );
  if (taken) won.push(id);
}
db.close();
console.log(JSON.stringify({ who, won }));
