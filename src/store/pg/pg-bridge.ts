import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createSyncFn } from "synckit";
import type { BridgeRequest, BridgeResult } from "./bridge-protocol.js";

/**
 * The synchronous bridge to PostgreSQL: each call blocks this thread until the worker thread
 * (pg-worker.ts) has run it on its connection (synckit: a MessageChannel and Atomics.wait). The
 * stores stay synchronous, like better-sqlite3; the price is one local round trip (~0.1–0.3 ms)
 * during which the event loop waits (measured in docs/design.md, store section).
 */
export type Bridge = (request: BridgeRequest) => BridgeResult;

// Bundled (dist/main.mjs) the worker sits beside it as pg-worker.mjs; from source, a small
// loader registers tsx in the worker thread, then imports pg-worker.ts.
function workerPath(): string {
  const bundled = fileURLToPath(new URL("./pg-worker.mjs", import.meta.url));
  return existsSync(bundled)
    ? bundled
    : fileURLToPath(new URL("./pg-worker-from-source.mjs", import.meta.url));
}

let bridge: Bridge | undefined;

/** One worker per process (synckit keeps one per path); it holds every store's connection. */
export function pgBridge(): Bridge {
  bridge ??= createSyncFn<(request: BridgeRequest) => Promise<BridgeResult>>(workerPath(), {
    // A statement waiting on a lock another replica holds must not hang a request forever.
    timeout: 60_000,
  });
  return bridge;
}
