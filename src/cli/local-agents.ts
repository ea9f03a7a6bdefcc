import type { AgentCreateInput, AgentUpdateInput } from "../agents/agent-schema.js";
import { AgentService, toAgent } from "../agents/agent-service.js";
import { loadStoreConfig } from "../config.js";
import { SqliteAgentStore } from "../store/agent-store.js";
import { openStore } from "../store/open-store.js";
import { keyPepper } from "../store/settings-store.js";

/**
 * The agents of the server's own store, for `baton agents … --db/--local` on the server's machine
 * (how the first admin is made). Imported only by those commands, so a command that calls the API
 * never loads the store and its drivers (a sixth of the CLI's start-up).
 */
function withLocalAgents<T>(dbPath: string | undefined, work: (service: AgentService) => T): T {
  const config = loadStoreConfig();
  // --db names a SQLite file; without it, the configured store (DATABASE_URL or BATON_DB).
  const db = openStore(dbPath ? { path: dbPath } : config.store);
  try {
    return work(
      new AgentService({
        store: new SqliteAgentStore(db),
        pepper: keyPepper(db, config.keyPepper),
      }),
    );
  } finally {
    db.close();
  }
}

export const createLocalAgent = (dbPath: string | undefined, input: AgentCreateInput) =>
  withLocalAgents(dbPath, (service) => service.create(input).agent);

export const updateLocalAgent = (
  dbPath: string | undefined,
  id: string,
  changes: AgentUpdateInput,
) => withLocalAgents(dbPath, (service) => toAgent(service.update(id, changes)));

export const listLocalAgents = (dbPath: string | undefined) =>
  withLocalAgents(dbPath, (service) => service.list().map((record) => toAgent(record)));
