/**
 * `npm run demo`: offline, end to end. Starts the GitHub API double and the real Baton server as
 * processes, creates an admin and agents with the server-side CLI, then walks through each chapter.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import {
  freePort,
  runCli,
  startBaton,
  testPrivateKey,
  type ApiResponse,
} from "../test/support/stack.js";
import type { DemoChapter, DemoContext } from "./demo/context.js";
import { companionAction } from "./demo/action.js";
import { claims } from "./demo/claims.js";
import { coreLoop } from "./demo/core-loop.js";
import { events } from "./demo/events.js";
import { dedup } from "./demo/dedup.js";
import { delegation } from "./demo/delegation.js";

const ROOT = resolve(import.meta.dirname, "..");
const chapters: [string, DemoChapter][] = [
  ["The task loop", coreLoop],
  ["Duplicates caught before an issue is created", dedup],
  ["Delegation chains", delegation],
  ["Signed task events", events],
  ["Two agents, one queue: claims and leases", claims],
  ["The companion GitHub Action", companionAction],
];

const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;

/** Runs the double as its own process (as the issue asks) and talks to it over /_double/. */
async function startDoubleProcess(
  port: number,
  secret: string,
): Promise<{ child: ChildProcess; double: DoubleProcess }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "test/support/github-double/cli.ts"),
      "--port",
      "0",
      "--repo",
      "acme/ops-tasks",
      "--webhook-url",
      `http://127.0.0.1:${port}/api/github/webhooks`,
      "--webhook-secret",
      secret,
      "--collaborators",
      "alice",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolveLine);
    child.once("exit", () => reject(new Error("the GitHub double exited")));
  });
  const {
    url,
    host,
    port: doublePort,
  } = JSON.parse(line) as { url: string; host: string; port: number };
  return { child, double: { url, host, port: doublePort } };
}

interface DoubleProcess {
  url: string;
  host: string;
  port: number;
}

async function doubleState(url: string): Promise<DoubleStateJson> {
  return (await (await fetch(`${url}/_double/state`)).json()) as DoubleStateJson;
}

interface DoubleStateJson {
  issues: {
    number: number;
    title: string;
    body: string | null;
    state: string;
    stateReason: string | null;
    labels?: string[];
    labelIds?: number[];
  }[];
  labels: { id: number; name: string }[];
  comments: { issueNumber: number; body: string; author: string }[];
}

async function main() {
  const secret = "demo-webhook-secret";
  const port = await freePort();
  console.log(bold("Baton demo") + dim(" — everything runs locally against an in-memory GitHub"));
  const { child: doubleChild, double } = await startDoubleProcess(port, secret);
  const dir = mkdtempSync(join(tmpdir(), "baton-demo-"));
  const env: Record<string, string> = {
    APP_ID: "1",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: secret,
    BATON_REPO: "acme/ops-tasks",
    GHE_HOST: double.host,
    GHE_PROTOCOL: "http",
    PORT: String(port),
    HOST: "127.0.0.1",
    BATON_DB: join(dir, "baton.db"),
    BATON_WRITE_SPACING_MS: "0",
    BATON_ALLOW_PRIVATE_WEBHOOKS: "true",
    // Short leases allowed and swept often, so the claims chapter shows an expiry in a second.
    BATON_LEASE_MIN_S: "1",
    BATON_LEASE_SWEEP_MS: "200",
    LOG_LEVEL: "warn",
  };
  console.log(
    dim(`GitHub double: ${double.url}  Baton: http://127.0.0.1:${port}  store: ${env.BATON_DB}`),
  );
  const baton = await startBaton(env);
  let failed = false;
  try {
    const keys = {} as DemoContext["keys"];
    for (const [name, role] of [
      ["admin", "admin"],
      ["monitor", "worker"],
      ["infra", "worker"],
      ["infra2", "worker"],
      ["dns", "worker"],
    ] as const) {
      // --db: always the demo's own store, even where BATON_URL or a saved login points elsewhere.
      const result = await runCli(
        ["agents", "create", name, "--role", role, "--db", env.BATON_DB!, "--json"],
        env,
      );
      if (result.code !== 0) throw new Error(result.stderr);
      keys[name] = (JSON.parse(result.stdout) as { api_key: string }).api_key;
      console.log(
        dim(`$ baton agents create ${name} --role ${role}  → key ${keys[name].slice(0, 10)}…`),
      );
    }
    const api = async (
      key: string,
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<ApiResponse> => {
      const res = await fetch(`${baton.url}${path}`, {
        method,
        headers: {
          "x-agent-key": key,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const json: unknown = text ? JSON.parse(text) : null;
      return { status: res.status, headers: res.headers, body: json, json };
    };
    const ctx: DemoContext = {
      doubleUrl: double.url,
      batonUrl: baton.url,
      keys,
      api,
      async call(key, method, path, body, headers) {
        const res = await api(key, method, path, body, headers);
        if (res.status >= 300)
          throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
        return res;
      },
      step: (title) => console.log(`\n${bold("▶ " + title)}`),
      say: (text) => console.log(`  ${text}`),
      showIssue: async (number) => printIssue(await doubleState(double.url), number),
    };
    for (const [title, chapter] of chapters) {
      console.log(`\n${bold(`━━ ${title} ━━`)}`);
      await chapter(ctx);
    }
    console.log(
      `\n${bold("Demo finished.")} Every step above went through the real server and the GitHub API double.`,
    );
  } catch (error) {
    failed = true;
    console.error(`\nDemo failed: ${(error as Error).message}`);
    console.error(baton.logs.slice(-20).join("\n"));
  } finally {
    await baton.stop();
    doubleChild.kill("SIGTERM");
  }
  process.exit(failed ? 1 : 0);
}

/** As github.com shows it: HTML comments (Baton's metadata) are invisible. */
function asRendered(markdown: string): string {
  return markdown.replace(/<!--[\s\S]*?-->/g, dim("(hidden: Baton metadata)"));
}

function printIssue(state: DoubleStateJson, number: number) {
  const issue = state.issues.find((i) => i.number === number);
  if (!issue) return console.log(`  (issue #${number} not found)`);
  const labels =
    issue.labels ??
    (issue.labelIds ?? []).map((id) => state.labels.find((l) => l.id === id)?.name ?? "?");
  const reason = issue.stateReason ? ` (${issue.stateReason})` : "";
  console.log(dim("  ┌─ on github.com ───────────────────────────────────────────"));
  console.log(`  │ ${bold(`${issue.title}`)} #${issue.number}   [${issue.state}${reason}]`);
  console.log(`  │ labels: ${labels.join(", ")}`);
  for (const line of asRendered(issue.body ?? "").split("\n")) console.log(`  │ ${line}`);
  for (const c of state.comments.filter((c) => c.issueNumber === number)) {
    console.log(
      `  │ 💬 ${bold(c.author)}: ${asRendered(c.body).trim().split("\n").filter(Boolean).join(" / ")}`,
    );
  }
  console.log(dim("  └────────────────────────────────────────────────────────────"));
}

await main();
