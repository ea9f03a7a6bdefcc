import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "action/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // End-to-end tests start real processes; two cores, so keep parallelism modest.
    maxWorkers: 2,
    // .ci/run reads the JSON report to print "N passed, N failed".
    reporters: ["default", ["json", { outputFile: ".tmp/vitest-report.json" }]],
  },
});
