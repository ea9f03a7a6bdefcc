import { prepared, type Db } from "./database.js";

/** A webhook subscription as stored. `events` holds `*` for all. */
export interface SubscriptionRecord {
  id: number;
  owner_agent_id: string;
  url: string;
  events: string[];
  project_id: number | null;
  agent_id: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  active: boolean;
  disabled_reason: string | null;
  consecutive_failures: number;
  created_at: string;
  updated_at: string;
}

type Row = Omit<SubscriptionRecord, "events" | "active"> & { events: string; active: number };

const fromRow = (row: Row): SubscriptionRecord => ({
  ...row,
  events: JSON.parse(row.events) as string[],
  active: row.active === 1,
});

export type SubscriptionInsert = Pick<
  SubscriptionRecord,
  "owner_agent_id" | "url" | "events" | "project_id" | "agent_id" | "secret" | "active"
>;

export type SubscriptionPatch = Partial<
  Pick<
    SubscriptionRecord,
    | "url"
    | "events"
    | "project_id"
    | "agent_id"
    | "active"
    | "secret"
    | "previous_secret"
    | "previous_secret_expires_at"
    | "disabled_reason"
    | "consecutive_failures"
  >
>;

export class SqliteSubscriptionStore {
  readonly #byId;

  constructor(private readonly db: Db) {
    this.#byId = db.prepare("SELECT * FROM webhook_subscriptions WHERE id = ?");
  }

  insert(input: SubscriptionInsert, at: string): SubscriptionRecord {
    const id = this.db
      .prepare(
        `INSERT INTO webhook_subscriptions
           (owner_agent_id, url, events, project_id, agent_id, secret, active, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.owner_agent_id,
        input.url,
        JSON.stringify(input.events),
        input.project_id,
        input.agent_id,
        input.secret,
        input.active ? 1 : 0,
        at,
        at,
      ).lastInsertRowid;
    return this.get(Number(id))!;
  }

  get(id: number): SubscriptionRecord | undefined {
    const row = this.#byId.get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  list(owner?: string): SubscriptionRecord[] {
    const rows = (
      owner
        ? prepared(
            this.db,
            "SELECT * FROM webhook_subscriptions WHERE owner_agent_id = ? ORDER BY id",
          ).all(owner)
        : prepared(this.db, "SELECT * FROM webhook_subscriptions ORDER BY id").all()
    ) as Row[];
    return rows.map(fromRow);
  }

  /** Read for every event the relay records: prepared once. */
  active(): SubscriptionRecord[] {
    const rows = prepared(this.db, "SELECT * FROM webhook_subscriptions WHERE active = 1").all();
    return (rows as Row[]).map(fromRow);
  }

  update(id: number, patch: SubscriptionPatch, at: string): SubscriptionRecord | undefined {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      sets.push(`${key} = ?`);
      values.push(
        key === "events"
          ? JSON.stringify(value)
          : typeof value === "boolean"
            ? Number(value)
            : value,
      );
    }
    sets.push("updated_at = ?");
    values.push(at, id);
    this.db
      .prepare(`UPDATE webhook_subscriptions SET ${sets.join(", ")} WHERE id = ?`)
      .run(...values);
    return this.get(id);
  }

  /** One more failed delivery; returns the new streak. */
  addFailure(id: number): number {
    return this.db
      .prepare(
        "UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1 WHERE id = ? RETURNING consecutive_failures",
      )
      .pluck()
      .get(id) as number;
  }

  resetFailures(id: number): void {
    this.db
      .prepare(
        "UPDATE webhook_subscriptions SET consecutive_failures = 0 WHERE id = ? AND consecutive_failures <> 0",
      )
      .run(id);
  }

  remove(id: number): boolean {
    return this.db.prepare("DELETE FROM webhook_subscriptions WHERE id = ?").run(id).changes > 0;
  }
}
