import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience for reading JSON
  json: any;
}

/** A HOME of its own, so a test never reads or writes the developer's saved login. */
export function isolatedHome(): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), "baton-home-"));
  return { HOME: home, XDG_CONFIG_HOME: join(home, ".config") };
}

/** The process environment without Baton's and Delega's client variables. */
export function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !/^(BATON_URL|BATON_AGENT_KEY|DELEGA_)/.test(entry[0]),
    ),
  );
}

/** Runs the real `bin/baton.js` in a subprocess, stdin closed. */
export function baton(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/baton.js"), ...args], {
      env: { ...cleanEnv(), ...env },
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolveRun({ code: code ?? 1, stdout, stderr, json });
    });
  });
}
