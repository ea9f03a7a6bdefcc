import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startGitHubDouble, type GitHubDouble } from "./github-double/index.js";
import { freePort, runCli, startBaton, testPrivateKey, type BatonProcess } from "./stack.js";
import { openStore } from "../../src/store/open-store.js";
import { freshSchema } from "../store/store-backends.js";

/**
 * Several Baton replicas on one PostgreSQL database (a fresh schema) and one GitHub double, whose
 * webhooks go through a small round-robin proxy: what a load balancer in front of the replicas
 * does (a replica that does not answer is skipped).
 */
export interface Replicas {
  double: GitHubDouble;
  replicas: BatonProcess[];
  env: Record<string, string>;
  /** Webhooks forwarded, per replica. */
  webhooksPerReplica: number[];
  /**
   * Sends every webhook to replica `i` only (undefined: round-robin again), so the others learn
   * of a change only through the shared store.
   */
  pinWebhooks(i: number | undefined): void;
  createAgent(name: string, role?: "worker" | "coordinator" | "admin"): Promise<string>;
  /** The API through replica `i` (on a connection failure: the next live one, as a balancer would). */
  api(
    i: number,
    key: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: any; replica: number }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test JSON
  kill(i: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplicas(
  url: string,
  count: number,
  extraEnv: Record<string, string> = {},
  /** Replicas that run the bundle in `bundle.dir` (made by buildBundle) instead of the sources. */
  bundle?: { dir: string; replicas: number[] },
): Promise<Replicas> {
  const repo = "acme/tasks";
  const secret = "test-webhook-secret";
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const dead = new Set<number>();
  const webhooksPerReplica = ports.map(() => 0);
  let turn = 0;
  let pinned: number | undefined;
  const proxy: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      for (let tries = 0; tries < count; tries++) {
        const i = pinned ?? turn++ % count;
        if (dead.has(i)) continue;
        const status = await forward(ports[i]!, req.url ?? "/", req.headers, body).catch(() => 0);
        if (status === 0 || status >= 500) continue;
        webhooksPerReplica[i]!++;
        res.writeHead(status).end();
        return;
      }
      res.writeHead(502).end();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const proxyPort = (proxy.address() as AddressInfo).port;
  const double = await startGitHubDouble({
    repo,
    webhookUrl: `http://127.0.0.1:${proxyPort}/api/github/webhooks`,
    webhookSecret: secret,
    collaborators: ["alice"],
  });
  const schema = freshSchema("e2e");
  const env: Record<string, string> = {
    APP_ID: "1",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: secret,
    BATON_REPO: repo,
    GHE_HOST: double.host,
    GHE_PROTOCOL: "http",
    HOST: "127.0.0.1",
    DATABASE_URL: url,
    BATON_DB_SCHEMA: schema,
    BATON_WRITE_SPACING_MS: "0",
    BATON_ALLOW_PRIVATE_WEBHOOKS: "true",
    BATON_WEBHOOK_RETRY_BASE_MS: "50",
    BATON_DELIVERY_LEASE_S: "5",
    LOG_LEVEL: "warn",
    NODE_ENV: "test",
    ...extraEnv,
  };
  // All at once: the migrations must still run once.
  const started = await Promise.allSettled(
    ports.map((port, i) =>
      startBaton(
        { ...env, PORT: String(port) },
        false,
        bundle?.replicas.includes(i) ? bundle.dir : undefined,
      ),
    ),
  );
  const failed = started.find((r) => r.status === "rejected");
  if (failed) {
    // One did not start: the others must not outlive the test.
    await Promise.all(started.map((r) => (r.status === "fulfilled" ? r.value.kill() : undefined)));
    await double.close();
    proxy.close();
    throw failed.reason;
  }
  const replicas = started.map((r) => (r as PromiseFulfilledResult<BatonProcess>).value);

  const api: Replicas["api"] = async (i, key, method, path, body, headers = {}) => {
    for (let tries = 0; tries < count; tries++) {
      const at = (i + tries) % count;
      if (dead.has(at)) continue;
      try {
        const res = await fetch(`${replicas[at]!.url}${path}`, {
          method,
          headers: {
            "x-agent-key": key,
            ...(body !== undefined ? { "content-type": "application/json" } : {}),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, json: text ? JSON.parse(text) : null, replica: at };
      } catch {
        // That replica is gone (killed mid-request): the balancer sends the retry elsewhere.
      }
    }
    throw new Error("no replica answered");
  };
  return {
    double,
    replicas,
    env,
    webhooksPerReplica,
    pinWebhooks: (i) => (pinned = i),
    async createAgent(name, role = "worker") {
      const result = await runCli(
        ["agents", "create", name, "--role", role, "--json", "--local"],
        env,
      );
      if (result.code !== 0) throw new Error(`baton agents create failed: ${result.stderr}`);
      return (JSON.parse(result.stdout) as { api_key: string }).api_key;
    },
    api,
    async kill(i) {
      dead.add(i);
      await replicas[i]!.kill();
    },
    async stop() {
      await Promise.all(replicas.map((r) => r.stop()));
      await double.close();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      const db = openStore({ path: "", url, schema });
      db.exec(`DROP SCHEMA "${schema}" CASCADE`);
      db.close();
    },
  };
}

function forward(
  port: number,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "POST", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}
