import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle } from "./stack.js";

/**
 * Once per run, before any test file:
 * - The end-to-end tests start Baton dozens of times: build the bundle `npm start` runs once and
 *   let every test server run it (BATON_TEST_BUNDLE), as a deployment does. Through tsx each
 *   start compiles and loads the sources again, most of a start's CPU on a 2-core machine.
 *   BATON_TEST_SOURCES=1 keeps the sources (to debug a test with tsx's source maps).
 * - Every temporary folder of the run (stores, homes, Action workspaces, the servers' own) goes
 *   under one (TMPDIR), removed at the end: a run leaves nothing in the machine's temp directory.
 */
export default function setup(): () => void {
  const tmp = mkdtempSync(join(tmpdir(), "baton-test-run-"));
  process.env.TMPDIR = tmp;
  const bundle =
    process.env.BATON_TEST_SOURCES !== "1" && !process.env.BATON_TEST_BUNDLE
      ? buildBundle()
      : undefined;
  if (bundle) process.env.BATON_TEST_BUNDLE = bundle;
  return () => {
    rmSync(tmp, { recursive: true, force: true });
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  };
}
