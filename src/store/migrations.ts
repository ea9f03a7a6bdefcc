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
  {
    version: 20,
    name: "events",
    sql: `
      ALTER TABLE journal ADD COLUMN updated_at TEXT;
      CREATE INDEX journal_issue_updated ON journal (issue_number, updated_at);
      CREATE TABLE webhook_subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        owner_agent_id TEXT NOT NULL,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        project_id INTEGER,
        agent_id TEXT,
        secret TEXT NOT NULL,
        previous_secret TEXT,
        previous_secret_expires_at TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        disabled_reason TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE inbound_deliveries (
        delivery_id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        received_at TEXT NOT NULL
      );
      CREATE TABLE task_snapshots (
        issue_number INTEGER PRIMARY KEY,
        updated_at TEXT NOT NULL,
        task TEXT NOT NULL
      );
      CREATE TABLE events (
        id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        issue_number INTEGER,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        subscription_id INTEGER NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        event_id TEXT NOT NULL REFERENCES events (id),
        issue_number INTEGER,
        state TEXT NOT NULL CHECK (state IN ('pending','delivered','failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        redelivery_of TEXT,
        created_at TEXT NOT NULL,
        delivered_at TEXT
      );
      CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
      CREATE INDEX outbox_order ON outbox (subscription_id, issue_number, state, seq);
      CREATE TABLE delivery_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id TEXT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,
        status INTEGER,
        error TEXT,
        duration_ms INTEGER NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
    `,
  },
  // Claims and leases (src/claims, src/store/claim-store.ts; issue #17). The task index is what
  // the ready queue reads (open tasks, kept fresh by Baton's writes and GitHub's webhooks), so a
  // queue claim picks and claims a task in one transaction, without asking GitHub.
  {
    version: 170,
    name: "claims",
    sql: `
      CREATE TABLE task_claims (
        task_id INTEGER PRIMARY KEY,
        agent_id TEXT,
        token INTEGER NOT NULL,
        lease_expires_at INTEGER,
        claimed_at TEXT,
        heartbeat_at TEXT,
        session_state TEXT,
        session_state_detail TEXT,
        handoff_note TEXT,
        handoff_by_agent_id TEXT,
        handoff_state TEXT,
        released_at TEXT,
        release_reason TEXT,
        version INTEGER NOT NULL DEFAULT 0,
        shown_version INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX task_claims_lease ON task_claims (lease_expires_at) WHERE agent_id IS NOT NULL;
      CREATE INDEX task_claims_unshown ON task_claims (task_id) WHERE shown_version < version;
      CREATE TABLE claim_overrides (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id INTEGER NOT NULL,
        agent_id TEXT NOT NULL,
        holder_agent_id TEXT NOT NULL,
        action TEXT NOT NULL,
        at TEXT NOT NULL
      );
      CREATE TABLE task_index (
        task_id INTEGER PRIMARY KEY,
        open INTEGER NOT NULL,
        status TEXT NOT NULL,
        priority INTEGER NOT NULL,
        assignee TEXT,
        created_by TEXT,
        project_slug TEXT,
        labels TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        task TEXT NOT NULL
      );
      CREATE INDEX task_index_ready ON task_index (open, priority DESC, created_at, task_id);
    `,
  },
  // Fleet attention (src/tasks/fleet-attention.ts) reads the task index: how often each task was
  // reopened (counted as the index sees a closed task open again) and its due date, each indexed
  // with `open` so triage stays a few index lookups however many tasks there are. Existing rows get
  // their due date when the index is rebuilt at start (ReadyQueue.rebuild re-reads open tasks).
  {
    version: 175,
    name: "task-attention",
    sql: `
      ALTER TABLE task_index ADD COLUMN reopens INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE task_index ADD COLUMN due_date TEXT;
      CREATE INDEX task_index_due ON task_index (open, due_date);
      CREATE INDEX task_index_status ON task_index (open, status);
      CREATE INDEX task_index_reopens ON task_index (open, reopens);
    `,
  },
  // Replicas (issue #18): the installation's next free GitHub write slot (epoch ms), one row
  // shared by every replica on PostgreSQL (src/store/pg/pg-write-slots.ts); unused on SQLite.
  {
    version: 180,
    name: "replicas",
    sql: `
      CREATE TABLE github_write_slots (
        id INTEGER PRIMARY KEY,
        next_slot INTEGER NOT NULL
      );
    `,
  },
  // The task mirror (issue #20): every change to task_index takes the next `seq`, so each reader
  // (every replica) catches up on what changed since it last looked with one indexed query; a task
  // that stops being one (deleted, or an issue that is not a task) stays as a `gone` row for that.
  {
    version: 190,
    name: "task-mirror",
    sql: `
      ALTER TABLE task_index ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE task_index ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX task_index_seq ON task_index (seq);
    `,
  },
  // Dependencies (src/dependencies, src/store/dependency-store.ts; issue #17): the "blocked by"
  // pairs between tasks as GitHub last said, for the task fields and the ready queue (no GitHub
  // read), and per task the dependency totals GitHub showed when the pairs were last read back.
  {
    version: 195,
    name: "dependencies",
    sql: `
      CREATE TABLE task_dependencies (
        task_id INTEGER NOT NULL,
        blocker_id INTEGER NOT NULL,
        PRIMARY KEY (task_id, blocker_id)
      );
      CREATE INDEX task_dependencies_blocker ON task_dependencies (blocker_id, task_id);
      CREATE TABLE dependency_totals (
        task_id INTEGER PRIMARY KEY,
        total_blocked_by INTEGER NOT NULL,
        total_blocking INTEGER NOT NULL
      );
    `,
  },
  // Agents restricted to projects (issue #17): the project ids (label ids) whose open unassigned
  // work the agent sees and claims, as a JSON array; NULL = every project.
  {
    version: 200,
    name: "agent-projects",
    sql: `
      ALTER TABLE agents ADD COLUMN project_ids TEXT;
    `,
  },
  // Catch-up (src/events/catch-up.ts): the missed GitHub deliveries already replayed, by guid.
  {
    version: 40,
    name: "catch-up",
    sql: `
      CREATE TABLE catch_up_recovered (
        guid TEXT PRIMARY KEY,
        recovered_at TEXT NOT NULL
      );
    `,
  },
  // Whom Baton trusts (docs/trust.md, issue 14): the metadata block Baton last wrote on each
  // issue (the one it believes), and the edits of it by others that it did not believe.
  {
    version: 140,
    name: "metadata-blocks",
    sql: `
      CREATE TABLE written_blocks (
        issue_number INTEGER PRIMARY KEY,
        block TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE refused_block_edits (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        issue_number INTEGER NOT NULL,
        login TEXT NOT NULL,
        at TEXT NOT NULL,
        restored INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX refused_block_edits_edit ON refused_block_edits (issue_number, at, login);
    `,
  },
];
