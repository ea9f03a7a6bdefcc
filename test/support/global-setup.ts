import { rmSync } from "node:fs";
import { buildBundle } from "./stack.js";

/**
 * The end-to-end tests start Baton dozens of times: build the bundle `npm start` runs once, and
 * let every test server run it (BATON_TEST_BUNDLE), as a deployment does. Through tsx each start
 * compiles and loads the sources again, which is most of a start's CPU on a 2-core machine.
 * BATON_TEST_SOURCES=1 keeps the sources (to debug a test with tsx's source maps).
 */
export default function setup(): (() => void) | undefined {
  if (process.env.BATON_TEST_SOURCES === "1" || process.env.BATON_TEST_BUNDLE) return undefined;
  const dir = buildBundle();
  process.env.BATON_TEST_BUNDLE = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
