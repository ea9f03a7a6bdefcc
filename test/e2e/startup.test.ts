import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
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

describe("the .env that Probot's setup flow writes", () => {
  it("is read at start (variables already set win)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "baton-env-"));
    writeFileSync(join(dir, ".env"), "APP_ID=1\nPRIVATE_KEY=k\nWEBHOOK_SECRET=s\n");
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((done) => {
      // Started from another folder, so tsx is named by its resolved URL.
      const child = spawn(
        process.execPath,
        ["--import", import.meta.resolve("tsx"), join(ROOT, "src/main.ts")],
        {
          cwd: dir,
          env: { PATH: process.env.PATH ?? "", BATON_MAX_DEPTH: "3" },
        },
      );
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("close", (c) => done({ code: c, stderr: err }));
    });
    // APP_ID, PRIVATE_KEY and WEBHOOK_SECRET came from .env: the next missing one is BATON_REPO.
    expect(code).toBe(1);
    expect(stderr).toContain("Missing BATON_REPO");
  });
});
