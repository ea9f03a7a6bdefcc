/**
 * Versioned schema migrations. Append only: never edit a migration that has shipped; add a new
 * one with the next version number. Each feature owns its tables.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: "core",
    sql: `
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE agents (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        display_name TEXT,
        description TEXT,
        role TEXT NOT NULL CHECK (role IN ('worker','coordinator','admin')),
        active INTEGER NOT NULL DEFAULT 1,
        key_prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_seen_at TEXT
      );
      CREATE TABLE idempotency (
        agent_id TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending','done')),
        status INTEGER,
        response TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (agent_id, key)
      );
      CREATE TABLE projects (
        slug TEXT PRIMARY KEY,
        sort_order INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        issue_number INTEGER NOT NULL,
        kind TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX journal_issue ON journal (issue_number, id);
    `,
  },
  // Dedup (src/dedup, src/store/dedup-store.ts): the open tasks in the dedup index and their cached
  // embeddings, keyed by (task, model) and valid only for the content hash they were computed from.
  {
    version: 10,
    name: "dedup",
    sql: `
      CREATE TABLE dedup_tasks (
        task_id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        content TEXT NOT NULL,
        description TEXT NOT NULL,
        project_id TEXT,
        content_hash TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE dedup_vectors (
        task_id INTEGER NOT NULL REFERENCES dedup_tasks (task_id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (task_id, model)
      );
    `,
  },
];
