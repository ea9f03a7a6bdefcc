// Starts the PostgreSQL worker from its TypeScript source (tests, `tsx`): Node 20 does not pass
// `--import tsx` on to worker threads, so the worker registers tsx itself. The bundle
// (dist/pg-worker.mjs) needs none of this.
import { register } from "tsx/esm/api";

register();
await import("./pg-worker.ts");
