/**
 * `npm run build:action`: bundles the companion Action into action/dist/index.js (committed, as
 * GitHub runs it without installing anything). The first line names a hash of every source file
 * the bundle was built from, so any change to those sources, even a comment esbuild drops, shows
 * as a change to the bundle: a stale bundle cannot hide behind identical output.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const OUTFILE = "action/dist/index.js";
const result = await build({
  entryPoints: ["action/src/main.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  preserveSymlinks: true,
  legalComments: "none",
  logLevel: "warning",
  outfile: OUTFILE,
  metafile: true,
  banner: {
    js: "import { createRequire as __batonCreateRequire } from 'node:module'; const require = __batonCreateRequire(import.meta.url);",
  },
});
// Our own sources only: dependencies are pinned by the lockfile.
const inputs = Object.keys(result.metafile.inputs)
  .filter((path) => !path.includes("node_modules"))
  .sort();
const hash = createHash("sha256");
for (const path of inputs) hash.update(path).update("\0").update(readFileSync(path)).update("\0");
const bundle = readFileSync(OUTFILE, "utf8");
writeFileSync(
  OUTFILE,
  `// Built by npm run build:action from ${inputs.length} source files, sha256 ${hash.digest("hex").slice(0, 16)}\n${bundle}`,
);
