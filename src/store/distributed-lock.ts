/**
 * A lock every replica on one database respects, held across async work (GitHub calls). On
 * SQLite there is one process, so the in-process locks already serialise: `localLock` runs the
 * task at once. On PostgreSQL: PgLocks (advisory locks).
 */
export interface DistributedLock {
  /** Waits for the lock, runs `task`, frees the lock. */
  run<T>(name: string, task: () => Promise<T>): Promise<T>;
  /** Runs `task` only if no one holds the lock now. */
  tryRun<T>(
    name: string,
    task: () => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }>;
  close(): Promise<void>;
}

export const localLock: DistributedLock = {
  run: (_name, task) => task(),
  tryRun: async (_name, task) => ({ ran: true, value: await task() }),
  close: async () => undefined,
};
