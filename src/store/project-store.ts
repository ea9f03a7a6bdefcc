import type { Db } from "./database.js";
import { changeVersioned, readVersion } from "./settings-store.js";

/** The one thing a project label cannot hold: its sort order, kept by slug. */
export interface ProjectOrderStore {
  all(): Map<string, number>;
  set(slug: string, order: number): void;
  remove(slug: string): void;
  /** Moves with every change, so a replica's cache of the orders knows it is stale. */
  version(): string;
}

const VERSION_KEY = "projects_version";

export class SqliteProjectOrderStore implements ProjectOrderStore {
  constructor(private readonly db: Db) {}

  all(): Map<string, number> {
    const rows = this.db.prepare("SELECT slug, sort_order FROM projects").all() as {
      slug: string;
      sort_order: number;
    }[];
    return new Map(rows.map((row) => [row.slug, row.sort_order]));
  }

  set(slug: string, order: number): void {
    changeVersioned(this.db, VERSION_KEY, () =>
      this.db
        .prepare(
          "INSERT INTO projects (slug, sort_order) VALUES (?, ?) ON CONFLICT(slug) DO UPDATE SET sort_order = excluded.sort_order",
        )
        .run(slug, order),
    );
  }

  remove(slug: string): void {
    changeVersioned(this.db, VERSION_KEY, () =>
      this.db.prepare("DELETE FROM projects WHERE slug = ?").run(slug),
    );
  }

  version(): string {
    return readVersion(this.db, VERSION_KEY);
  }
}
