import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => done({ code, stderr }));
  });
}

describe("start-up configuration", () => {
  it.each([
    [{ APP_ID: "1", PRIVATE_KEY: "k", BATON_REPO: "acme/tasks" }, "Missing WEBHOOK_SECRET"],
    [{ APP_ID: "1", PRIVATE_KEY: "k", WEBHOOK_SECRET: "s" }, "Missing BATON_REPO"],
    [
      {
        APP_ID: "1",
        PRIVATE_KEY: "k",
        WEBHOOK_SECRET: "s",
        BATON_REPO: "acme/tasks",
        BATON_MAX_DEPTH: "12",
      },
      "Invalid BATON_MAX_DEPTH",
    ],
    [{ APP_ID: "abc" }, "Invalid APP_ID"],
    [
      { APP_ID: "1", PRIVATE_KEY_PATH: "/nonexistent.pem", WEBHOOK_SECRET: "s", BATON_REPO: "a/b" },
      "Invalid PRIVATE_KEY_PATH",
    ],
  ])("refuses %j with one line naming the variable", async (env, message) => {
    const { code, stderr } = await start(env);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain(message);
  });
});
