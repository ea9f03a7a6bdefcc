/**
 * The worker thread behind the PostgreSQL bridge (pg-bridge.ts): it owns one `pg` connection per
 * opened store and runs each statement the main thread sends, while the main thread waits
 * (synckit: Atomics.wait on a shared buffer). Connections live in this module between calls, so
 * BEGIN … COMMIT spans several calls on one connection.
 */
import pg from "pg";
import { runAsWorker } from "synckit";
import type { BridgeRequest, BridgeResult } from "./bridge-protocol.js";
import { createSchema } from "./pg-schema.js";

// BIGINT (counts, ids, epoch milliseconds) as a JS number, like SQLite gives it: all stay < 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

const connections = new Map<number, pg.Client>();
let nextHandle = 1;

async function handle(request: BridgeRequest): Promise<BridgeResult> {
  switch (request.op) {
    case "open": {
      const client = new pg.Client({ connectionString: request.url, application_name: "baton" });
      // A dropped connection surfaces on the next query; an idle error must not kill the worker.
      client.on("error", () => undefined);
      await client.connect();
      if (request.schema) {
        await createSchema(client, request.schema);
        await client.query(`SET search_path TO "${request.schema}"`);
      }
      const id = nextHandle++;
      connections.set(id, client);
      return { handle: id };
    }
    case "query": {
      const client = connections.get(request.handle);
      if (!client) throw new Error("The PostgreSQL store is closed");
      // No parameters: the simple protocol, which also runs several statements (migrations).
      const result = request.params.length
        ? await client.query({ text: request.sql, values: request.params })
        : await client.query(request.sql);
      // A multi-statement string (migrations) answers one result per statement.
      const last = Array.isArray(result) ? result.at(-1) : result;
      return {
        rows: (last?.rows ?? []) as Record<string, unknown>[],
        rowCount: last?.rowCount ?? 0,
      };
    }
    case "close": {
      const client = connections.get(request.handle);
      connections.delete(request.handle);
      await client?.end().catch(() => undefined);
      return {};
    }
  }
}

runAsWorker(async (request: BridgeRequest) => {
  try {
    return await handle(request);
  } catch (error) {
    // Only plain data crosses the thread: keep what callers branch on (SQLSTATE code).
    const e = error as { message?: string; code?: string; detail?: string };
    throw Object.assign(new Error(e.message ?? String(error)), { code: e.code, detail: e.detail });
  }
});
