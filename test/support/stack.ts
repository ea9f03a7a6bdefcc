import { execSync, spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startGitHubDouble, type GitHubDouble } from "./github-double/index.js";

const ROOT = resolve(import.meta.dirname, "../..");

export interface StackOptions {
  repo?: string;
  env?: Record<string, string>;
  collaborators?: string[];
  /** Print the server's log lines (for the demo and debugging). */
  showLogs?: boolean;
}

export interface BatonProcess {
  url: string;
  port: number;
  child: ChildProcess;
  logs: string[];
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface Stack {
  double: GitHubDouble;
  baton: BatonProcess;
  dbPath: string;
  env: Record<string, string>;
  /** Creates an agent with the server-side CLI and returns its key. */
  createAgent(name: string, role?: "worker" | "coordinator" | "admin"): Promise<string>;
  /** Calls the REST API as an agent. */
  api(
    key: string | undefined,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience for reading JSON
  json: any;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

let cachedKey: string | undefined;
/** A throwaway App private key, made offline. */
export function testPrivateKey(): string {
  cachedKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
  return cachedKey;
}

export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/baton.js"), ...args], {
      env: { ...process.env, ...env },
      cwd: ROOT,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolveRun({ code: code ?? 1, stdout, stderr }));
  });
}

/** The node flags of `npm start`, read from package.json so that the two cannot drift apart. */
function startFlags(): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  return manifest.scripts.start
    .split(/\s+/)
    .filter((word) => word.startsWith("--"))
    .map((flag) =>
      flag.replace(
        /\$\{(\w+):-([^}]*)\}/g,
        (_, name: string, fallback: string) => process.env[name] || fallback,
      ),
    );
}

/**
 * Runs the `build` script of package.json (what `npm start` runs first) into a directory of its
 * own under .tmp/, so a test can start the bundle without touching dist/. Returns that directory.
 */
export function buildBundle(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: { build: string };
  };
  mkdirSync(join(ROOT, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(ROOT, ".tmp", "bundle-"));
  const script = manifest.scripts.build.replace(/--outdir=\S+/, `--outdir=${dir}`);
  if (script === manifest.scripts.build)
    throw new Error(`no --outdir in the build script: ${script}`);
  execSync(script, { cwd: ROOT, stdio: "inherit", env: { ...process.env, PATH: npmPath() } });
  return dir;
}

/** PATH with the project's own binaries first, as `npm run` gives a script. */
const npmPath = () => `${join(ROOT, "node_modules/.bin")}:${process.env.PATH ?? ""}`;

const running = new Set<ChildProcess>();
process.once("exit", () => running.forEach((child) => child.kill("SIGKILL")));

/** A test that fails before its stack stops must not leave its server running after the run. */
function killOnExit(child: ChildProcess) {
  running.add(child);
  child.once("exit", () => running.delete(child));
}

export async function startBaton(
  env: Record<string, string>,
  showLogs = false,
  /** A directory `buildBundle` made: run its main.mjs, as `npm start` runs dist/main.mjs. */
  bundle?: string,
): Promise<BatonProcess> {
  const port = Number(env.PORT);
  // BATON_USE_BUILD=1 runs the bundle `npm start` runs (dist/main.mjs, after `npm run build`), with
  // its V8 flags; under vitest, the one global-setup.ts built (BATON_TEST_BUNDLE); otherwise the
  // TypeScript sources through tsx.
  bundle ??= process.env.BATON_TEST_BUNDLE || undefined;
  const entry = bundle
    ? [...startFlags(), join(bundle, "main.mjs")]
    : process.env.BATON_USE_BUILD === "1"
      ? [...startFlags(), join(ROOT, "dist/main.mjs")]
      : ["--import", "tsx", join(ROOT, "src/main.ts")];
  // BATON_CPU_PROF=<dir> writes a CPU profile of the server (for benchmarks).
  const profile = process.env.BATON_CPU_PROF
    ? ["--cpu-prof", "--cpu-prof-interval=100", `--cpu-prof-dir=${process.env.BATON_CPU_PROF}`]
    : [];
  const child = spawn(process.execPath, [...profile, ...entry], {
    env: { ...process.env, ...env },
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  killOnExit(child);
  const logs: string[] = [];
  const collect = (data: Buffer) => {
    for (const line of data.toString().split("\n")) {
      if (!line) continue;
      logs.push(line);
      if (showLogs) console.error(`  [baton] ${line}`);
    }
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  // Generous: on a shared, saturated 2-core machine a cold tsx start has taken over 30 s.
  const deadline = Date.now() + 100_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Baton exited during start:\n${logs.join("\n")}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Baton did not start in 100 s:\n${logs.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    logs,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const repo = options.repo ?? "acme/tasks";
  const secret = "test-webhook-secret";
  const port = await freePort();
  const double = await startGitHubDouble({
    repo,
    webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
    webhookSecret: secret,
    collaborators: options.collaborators ?? ["alice"],
  });
  const dir = mkdtempSync(join(tmpdir(), "baton-"));
  const dbPath = join(dir, "baton.db");
  const env: Record<string, string> = {
    APP_ID: "1",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: secret,
    BATON_REPO: repo,
    GHE_HOST: double.host,
    GHE_PROTOCOL: "http",
    PORT: String(port),
    HOST: "127.0.0.1",
    BATON_DB: dbPath,
    BATON_WRITE_SPACING_MS: "0",
    LOG_LEVEL: "warn",
    NODE_ENV: "test",
    ...options.env,
  };
  let baton = await startBaton(env, options.showLogs);

  const stack: Stack = {
    double,
    get baton() {
      return baton;
    },
    dbPath,
    env,
    async createAgent(name, role = "worker") {
      const result = await runCli(
        ["agents", "create", name, "--role", role, "--json", "--db", dbPath],
        env,
      );
      if (result.code !== 0) throw new Error(`baton agents create failed: ${result.stderr}`);
      return (JSON.parse(result.stdout) as { api_key: string }).api_key;
    },
    async api(key, method, path, body, headers = {}) {
      const res = await fetch(`${baton.url}${path}`, {
        method,
        headers: {
          ...(key ? { "x-agent-key": key } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        body:
          body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON
      }
      return { status: res.status, headers: res.headers, body: parsed, json: parsed };
    },
    async restart() {
      await baton.stop();
      baton = await startBaton(env, options.showLogs);
    },
    async stop() {
      await baton.stop();
      await double.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}
