import { createHash } from "node:crypto";
import pg from "pg";
import { KeyedMutex } from "../../util/keyed-mutex.js";
import type { DistributedLock } from "../distributed-lock.js";

/** A 64-bit advisory lock key for `name`, namespaced by schema (advisory locks are per database). */
export function lockKey(namespace: string, name: string): string {
  return createHash("sha256")
    .update(`${namespace}\u0000${name}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Locks shared by every replica on one PostgreSQL database, held across async work (GitHub
 * calls): session advisory locks on ONE connection of this replica's own (never the synchronous
 * bridge), asked for with `pg_try_advisory_lock` and retried after a short sleep, so waiting never
 * blocks the event loop nor ties up a connection per waiter. Inside the replica, a lock name is
 * held by one task at a time (a mutex in front), since a session's advisory locks are re-entrant.
 * A replica that dies drops its connection, and PostgreSQL frees its locks with it.
 */
export class PgLocks implements DistributedLock {
  readonly #url: string;
  readonly #local = new KeyedMutex();
  readonly #held = new Set<string>();
  #client: Promise<pg.Client> | undefined;

  constructor(
    url: string,
    private readonly namespace: string,
  ) {
    this.#url = url;
  }

  async run<T>(name: string, task: () => Promise<T>): Promise<T> {
    return this.#local.run(name, async () => {
      const key = lockKey(this.namespace, name);
      for (let wait = 5; !(await this.#try(key)); wait = Math.min(wait * 2, 100)) await sleep(wait);
      return this.#holding(name, key, task);
    });
  }

  async tryRun<T>(
    name: string,
    task: () => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }> {
    if (this.#held.has(name)) return { ran: false };
    return this.#local.run(name, async () => {
      const key = lockKey(this.namespace, name);
      if (this.#held.has(name) || !(await this.#try(key))) return { ran: false };
      return { ran: true, value: await this.#holding(name, key, task) };
    });
  }

  async #holding<T>(name: string, key: string, task: () => Promise<T>): Promise<T> {
    this.#held.add(name);
    try {
      return await task();
    } finally {
      this.#held.delete(name);
      // A failed unlock means the connection broke, which freed the lock already.
      await this.#query("SELECT pg_advisory_unlock($1::bigint)", [key]).catch(() => undefined);
    }
  }

  async #try(key: string): Promise<boolean> {
    const { rows } = await this.#query("SELECT pg_try_advisory_lock($1::bigint) AS got", [key]);
    return rows[0]?.got === true;
  }

  async #query(sql: string, params: unknown[]): Promise<pg.QueryResult> {
    this.#client ??= this.#connect();
    const client = await this.#client;
    return client.query(sql, params);
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.#url, application_name: "baton-locks" });
    // A broken connection has dropped every lock it held; the next lock opens a new one.
    client.on("error", () => (this.#client = undefined));
    client.on("end", () => (this.#client = undefined));
    try {
      await client.connect();
    } catch (error) {
      this.#client = undefined;
      throw error;
    }
    return client;
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }
}
