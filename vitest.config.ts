import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "action/test/**/*.test.ts"],
    // End-to-end tests drive real processes on shared 2-core machines: be patient, never timed.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // End-to-end tests start real processes; two cores, so keep parallelism modest.
    maxWorkers: 2,
    // Builds the server bundle once; the end-to-end tests start it as `npm start` would.
    globalSetup: ["test/support/global-setup.ts"],
    // .ci/run reads the JSON report to print "N passed, N failed".
    reporters: ["default", ["json", { outputFile: ".tmp/vitest-report.json" }]],
  },
});
