import { prepared, type Db } from "./database.js";
import { changeVersioned, readVersion } from "./settings-store.js";
import type { Role } from "../tasks/access.js";

export interface AgentRecord {
  id: string;
  name: string;
  display_name: string | null;
  description: string | null;
  role: Role;
  active: boolean;
  key_prefix: string;
  key_hash: string;
  created_at: string;
  updated_at: string;
  last_seen_at: string | null;
  /** The projects (ids) whose open unassigned work the agent sees and claims; null = every one. */
  project_ids: number[] | null;
}

/** Where agents live. An interface so a PostgreSQL store can replace SQLite. */
export interface AgentStore {
  insert(agent: AgentRecord): void;
  get(id: string): AgentRecord | undefined;
  byKeyHash(hash: string): AgentRecord | undefined;
  list(): AgentRecord[];
  update(
    id: string,
    changes: Partial<Omit<AgentRecord, "id" | "created_at">>,
  ): AgentRecord | undefined;
  touch(id: string, at: string): void;
  /**
   * Changes with every insert and update (not `touch`), in the same transaction: a process that
   * caches agents sees that another one (a replica, the CLI) changed one.
   */
  version(): string;
}

type Row = Omit<AgentRecord, "active" | "project_ids"> & {
  active: number;
  project_ids: string | null;
};
const toRecord = (row: Row | undefined): AgentRecord | undefined =>
  row && {
    ...row,
    active: row.active === 1,
    project_ids: row.project_ids === null ? null : (JSON.parse(row.project_ids) as number[]),
  };

/** A value as its column stores it: booleans as 0/1, lists as JSON (null stays NULL). */
const column = (value: unknown): unknown =>
  typeof value === "boolean"
    ? value
      ? 1
      : 0
    : Array.isArray(value)
      ? JSON.stringify(value)
      : value;

const VERSION_KEY = "agents_version";

export class SqliteAgentStore implements AgentStore {
  constructor(private readonly db: Db) {}

  insert(agent: AgentRecord): void {
    this.#changing(() =>
      prepared(
        this.db,
        `INSERT INTO agents (id, name, display_name, description, role, active, key_prefix, key_hash, created_at, updated_at, last_seen_at, project_ids)
           VALUES (@id, @name, @display_name, @description, @role, @active, @key_prefix, @key_hash, @created_at, @updated_at, @last_seen_at, @project_ids)`,
      ).run({
        ...agent,
        active: column(agent.active),
        project_ids: column(agent.project_ids),
      }),
    );
  }

  get(id: string): AgentRecord | undefined {
    return toRecord(
      prepared(this.db, "SELECT * FROM agents WHERE id = ?").get(id) as Row | undefined,
    );
  }

  byKeyHash(hash: string): AgentRecord | undefined {
    return toRecord(
      prepared(this.db, "SELECT * FROM agents WHERE key_hash = ?").get(hash) as Row | undefined,
    );
  }

  list(): AgentRecord[] {
    return (prepared(this.db, "SELECT * FROM agents ORDER BY created_at, id").all() as Row[]).map(
      (row) => toRecord(row)!,
    );
  }

  update(
    id: string,
    changes: Partial<Omit<AgentRecord, "id" | "created_at">>,
  ): AgentRecord | undefined {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (entries.length > 0) {
      const assignments = entries.map(([key]) => `${key} = @${key}`).join(", ");
      const values = Object.fromEntries(entries.map(([k, v]) => [k, column(v)]));
      this.#changing(() =>
        prepared(this.db, `UPDATE agents SET ${assignments} WHERE id = @id`).run({ ...values, id }),
      );
    }
    return this.get(id);
  }

  touch(id: string, at: string): void {
    prepared(this.db, "UPDATE agents SET last_seen_at = ? WHERE id = ?").run(at, id);
  }

  version(): string {
    return readVersion(this.db, VERSION_KEY);
  }

  #changing(change: () => unknown): void {
    changeVersioned(this.db, VERSION_KEY, change);
  }
}
