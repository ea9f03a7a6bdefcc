import type { WriteSlots } from "../../github/write-queue.js";
import type { PgDatabase } from "./pg-database.js";

// One statement takes the slot or refuses it, on the database's clock (replicas' clocks differ).
const TAKE = `
  WITH now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)
  UPDATE github_write_slots SET next_slot = GREATEST(next_slot, now.ms) + $1
  FROM now
  WHERE id = 1 AND GREATEST(next_slot, now.ms) - now.ms <= $2
  RETURNING GREATEST(next_slot - $1 - now.ms, 0) AS wait_ms`;

const PEEK = `
  SELECT GREATEST(next_slot - (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 0) AS wait_ms
  FROM github_write_slots WHERE id = 1`;

/**
 * The installation's GitHub write budget shared by every replica: one row holding the next free
 * slot, taken by one conditional UPDATE (its row lock orders concurrent takers). PostgreSQL
 * rather than Redis: the replicas already share it, a write costs one local round trip against
 * GitHub's hundreds of milliseconds, and writes are spaced by a second, so the row is never hot.
 */
export function pgWriteSlots(db: PgDatabase): WriteSlots {
  db.query(
    "INSERT INTO github_write_slots (id, next_slot) VALUES (1, 0) ON CONFLICT DO NOTHING",
    [],
  );
  return {
    take(spacingMs, maxWaitMs) {
      const taken = db.query(TAKE, [spacingMs, maxWaitMs]).rows[0];
      if (taken) return { waitMs: Number(taken.wait_ms), taken: true };
      const peek = db.query(PEEK, []).rows[0];
      return { waitMs: Number(peek?.wait_ms ?? maxWaitMs), taken: false };
    },
  };
}
