import { createHash } from "node:crypto";
import pg from "pg";
import type { DistributedLock } from "../distributed-lock.js";

/** A 64-bit advisory lock key for `name`, namespaced by schema (advisory locks are per database). */
export function lockKey(namespace: string, name: string): string {
  return createHash("sha256")
    .update(`${namespace}\u0000${name}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/**
 * Locks shared by every replica on one PostgreSQL database: session advisory locks, each held on
 * its own pooled connection for as long as the task runs (GitHub I/O included), taken
 * asynchronously, never through the synchronous bridge, so waiting never blocks the event loop.
 * A replica that dies drops its connections, and PostgreSQL frees its locks with them.
 */
export class PgLocks implements DistributedLock {
  readonly #pool: pg.Pool;

  constructor(
    url: string,
    private readonly namespace: string,
    size = 20,
  ) {
    this.#pool = new pg.Pool({ connectionString: url, max: size, application_name: "baton-locks" });
    // An idle connection that breaks is replaced on next use; it must not crash the process.
    this.#pool.on("error", () => undefined);
  }

  async run<T>(name: string, task: () => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    const key = lockKey(this.namespace, name);
    try {
      await client.query("SELECT pg_advisory_lock($1::bigint)", [key]);
    } catch (error) {
      client.release(true);
      throw error;
    }
    return this.#holding(client, key, task);
  }

  async tryRun<T>(
    name: string,
    task: () => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }> {
    const client = await this.#pool.connect();
    const key = lockKey(this.namespace, name);
    let got: boolean;
    try {
      const { rows } = await client.query<{ got: boolean }>(
        "SELECT pg_try_advisory_lock($1::bigint) AS got",
        [key],
      );
      got = rows[0]!.got;
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (!got) {
      client.release();
      return { ran: false };
    }
    return { ran: true, value: await this.#holding(client, key, task) };
  }

  async #holding<T>(client: pg.PoolClient, key: string, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } finally {
      // If unlocking fails the connection is dropped, which frees the lock as well.
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [key]).then(
        () => client.release(),
        () => client.release(true),
      );
    }
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => undefined);
  }
}
