import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

const ACTION_DIR = resolve(import.meta.dirname, "../..");
export const DIST = join(ACTION_DIR, "dist/index.js");

const ActionYmlSchema = z.object({
  inputs: z.record(z.string(), z.object({ default: z.string().optional() })),
  outputs: z.record(z.string(), z.unknown()),
  runs: z.object({ using: z.string(), main: z.string() }),
});
export const actionYml = ActionYmlSchema.parse(
  parse(readFileSync(join(ACTION_DIR, "action.yml"), "utf8")),
);

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Environment as the runner builds it for a step: every input of action.yml becomes
 * `INPUT_<NAME>` (upper-cased, hyphens kept) with its default unless `with:` sets it, and
 * `${{ github.token }}` is the job's token.
 */
export function runnerEnv(
  inputs: Record<string, string>,
  github: { token: string; repository: string; apiUrl: string; serverUrl?: string },
): Record<string, string> {
  const env: Record<string, string> = {
    GITHUB_ACTIONS: "true",
    GITHUB_REPOSITORY: github.repository,
    GITHUB_API_URL: github.apiUrl,
    GITHUB_SERVER_URL: github.serverUrl ?? "https://github.com",
    GITHUB_RUN_ID: "4242",
    GITHUB_WORKFLOW: "deploy",
  };
  for (const [name, spec] of Object.entries(actionYml.inputs)) {
    const value =
      inputs[name] ??
      (spec.default === "${{ github.token }}" ? github.token : (spec.default ?? ""));
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  return env;
}

/** Runs the bundled `dist/index.js` as the runner would, and reads back outputs and summary. */
export function runAction(env: Record<string, string>): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), "baton-action-"));
  const outputFile = join(dir, "output");
  const summaryFile = join(dir, "summary");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  // Only what the runner gives a step: no INPUT_* or GITHUB_* leaking in from the test process.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(INPUT_|GITHUB_|RUNNER_)/.test(key)),
  );
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [DIST], {
      env: { ...base, ...env, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile },
      cwd: dir,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => {
      const outputs = parseOutputFile(readFileSync(outputFile, "utf8"));
      const summary = readFileSync(summaryFile, "utf8");
      rmSync(dir, { recursive: true, force: true });
      resolveRun({ code: code ?? 1, stdout, stderr, outputs, summary });
    });
  });
}

/** `name<<DELIM\nvalue\nDELIM` blocks, as @actions/core writes GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n?\2$/gm;
  for (const match of text.matchAll(re)) outputs[match[1]!] = match[3]!;
  return outputs;
}

/** The `::error::` lines a step printed (what the runner shows as the failure). */
export const errorLines = (run: ActionRun) =>
  run.stdout.split("\n").filter((line) => line.startsWith("::error::"));
