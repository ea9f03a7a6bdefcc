/**
 * `npm run bench:claims` (issue #17): claims against the GitHub double at zero latency. Prints
 * progress to stderr and, as its last stdout line, one JSON object:
 * - claim_ms: the server's added latency for a claim (API time minus the same GitHub calls, a
 *   conditional read and one issue write, made directly);
 * - heartbeat_github_requests / claim_github_requests: GitHub requests per heartbeat (any kind)
 *   and per claim (rate-limited ones; a 304 costs none);
 * - race: agents racing through queue claims for fewer tasks, and how many tasks went twice;
 * - ready_ms: GET /v1/tasks/ready (20 tasks) with 10,000 open tasks in the index, a third of them
 *   waiting for another open task (dependencies), over HTTP, the store's query alone, and
 *   GET /v1/agent/me beside it (the server's floor under this machine's load);
 * - expiry_lag_s: how long after a lease ended the sweep released it (worst of the samples);
 * - link_github_requests: GitHub requests per new link (rate-limited ones; the same link again: 0);
 * - attention_ms: GET /v1/fleet/attention with the 10,000 open tasks (100 of them overdue), and
 *   the GitHub requests it made (none: it reads the store).
 */
import Database from "better-sqlite3";
import { rateLimitedSince } from "../test/support/assertions.js";
import { startStack, type Stack } from "../test/support/stack.js";
import { SqliteTaskIndex } from "../src/store/task-index-store.js";
import { round, summary, timed } from "./stats.js";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const OPEN_TASKS = 10_000;
const RACE = { agents: 20, tasks: 8 };
const log = (message: string) => process.stderr.write(`${message}\n`);

async function main() {
  const stack = await startStack({
    env: {
      BATON_EMBEDDINGS: "lexical",
      BATON_RATE_LIMIT_PER_MINUTE: "1000000",
      BATON_LEASE_MIN_S: "1",
      BATON_LEASE_SWEEP_MS: "200",
      LOG_LEVEL: "error",
    },
  });
  try {
    const worker = await stack.createAgent("bench-worker");
    const create = async (content: string, labels: string[] = []) =>
      (await stack.api(worker, "POST", "/v1/tasks", { content, labels, allow_duplicate: true }))
        .json.id as number;

    log(`claim latency (${SAMPLES} samples)…`);
    const claim = await claimFigures(stack, worker, create);
    log("race…");
    const race = await raceFigures(stack, create);
    log("expiry…");
    const expiry = await expiryLag(stack, worker, create);
    log(`ready queue with ${OPEN_TASKS} open tasks…`);
    const ready = await readyFigures(stack, worker);
    log("links and fleet attention…");
    const links = await linkFigures(stack, worker, create);
    const attention = await attentionFigures(stack);
    console.log(
      JSON.stringify({
        claim_ms: summary(claim.added),
        heartbeat_github_requests: claim.heartbeatRequests,
        claim_github_requests: claim.claimRequests,
        race,
        ready_ms: ready,
        expiry_lag_s: expiry,
        link_github_requests: links,
        attention_ms: attention.ms,
        attention_github_requests: attention.githubRequests,
        samples: SAMPLES,
        targets: {
          claim_github_requests: 1,
          heartbeat_github_requests: 0,
          ready_p50_ms: 10,
          expiry_lag_s: 5,
          link_github_requests: 1,
          attention_github_requests: 0,
        },
      }),
    );
  } finally {
    await stack.stop();
  }
}

type Create = (content: string, labels?: string[]) => Promise<number>;

async function claimFigures(stack: Stack, key: string, create: Create) {
  const direct = directGitHub(stack);
  const added: number[] = [];
  let claimRequests = 0;
  let heartbeatRequests = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const id = await create(`Claim latency ${i}`);
    await stack.api(key, "GET", `/v1/tasks/${id}`); // the server's conditional cache is warm
    await direct.get(id);
    const mark = stack.double.requests.length;
    const [api] = await timed(() => stack.api(key, "POST", `/v1/tasks/${id}/claim`));
    claimRequests = Math.max(claimRequests, rateLimitedSince(stack.double, mark).length);
    const beat = stack.double.requests.length;
    await stack.api(key, "POST", `/v1/tasks/${id}/heartbeat`, {});
    heartbeatRequests = Math.max(heartbeatRequests, stack.double.requests.length - beat);
    const [raw] = await timed(async () => {
      await direct.get(id);
      await direct.patch(id);
    });
    added.push(api - raw);
    await stack.api(key, "POST", `/v1/tasks/${id}/complete`);
  }
  return { added, claimRequests, heartbeatRequests };
}

async function raceFigures(stack: Stack, create: Create) {
  const keys = await Promise.all(
    Array.from({ length: RACE.agents }, (_, i) => stack.createAgent(`racer-${i}`)),
  );
  for (let i = 0; i < RACE.tasks; i++) await create(`Race ${i}`, ["race"]);
  const answers = await Promise.all(
    keys.map(async (key) => {
      const res = await stack.api(key, "POST", "/v1/tasks/claim", { labels: ["race"] });
      return (res.json as { task: { id: number } | null }).task?.id ?? null;
    }),
  );
  const won = answers.filter((id): id is number => id !== null);
  return {
    agents: RACE.agents,
    tasks: RACE.tasks,
    claimed: won.length,
    nulls: answers.length - won.length,
    double_claims: won.length - new Set(won).size,
  };
}

/** The sweep's release time minus the lease end, from the store, for crashed holders. */
async function expiryLag(stack: Stack, key: string, create: Create) {
  const lags: number[] = [];
  const db = new Database(stack.dbPath, { readonly: true });
  try {
    const releasedAt = db.prepare(
      "SELECT released_at FROM task_claims WHERE task_id = ? AND agent_id IS NULL",
    );
    for (let i = 0; i < 5; i++) {
      const id = await create(`Crashing agent ${i}`);
      const claim = await stack.api(key, "POST", `/v1/tasks/${id}/claim`, { lease_seconds: 1 });
      const leaseEnd = Date.parse(claim.json.task.lease_expires_at as string);
      // The agent "crashes": no heartbeat, no release.
      let released: string | undefined;
      while (!(released = releasedAt.pluck().get(id) as string | undefined))
        await new Promise((r) => setTimeout(r, 25));
      lags.push(Date.parse(released) - leaseEnd);
    }
  } finally {
    db.close();
  }
  return round(Math.max(...lags) / 1000, 2);
}

/** Fills the task index to 10,000 open tasks (copies of a real task's row) and times the queue. */
async function readyFigures(stack: Stack, key: string) {
  const db = new Database(stack.dbPath);
  try {
    const template = db.prepare("SELECT * FROM task_index LIMIT 1").get() as Record<
      string,
      unknown
    >;
    const insert = db.prepare(
      `INSERT OR IGNORE INTO task_index (task_id, open, status, priority, assignee, created_by, project_slug, labels, created_at, updated_at, task)
       VALUES (@task_id, 1, 'open', @priority, NULL, @created_by, NULL, '[]', @created_at, @updated_at, @task)`,
    );
    const depend = db.prepare(
      "INSERT OR IGNORE INTO task_dependencies (task_id, blocker_id) VALUES (?, ?)",
    );
    const base = 1_000_000;
    db.transaction(() => {
      for (let i = 0; i < OPEN_TASKS; i++) {
        const id = base + i;
        const task = { ...JSON.parse(String(template.task)), id, priority: (i % 4) + 1 };
        insert.run({ ...template, task_id: id, priority: (i % 4) + 1, task: JSON.stringify(task) });
        // Every third task waits for the one before it (open): the queue must pass it over.
        if (i % 3 === 2) depend.run(id, id - 1);
      }
    })();
    const open = db.prepare("SELECT count(*) FROM task_index WHERE open = 1").pluck().get();
    const blocked = db.prepare("SELECT count(*) FROM task_dependencies").pluck().get();
    log(`  ${String(open)} open tasks indexed, ${String(blocked)} waiting for another`);
  } finally {
    db.close();
  }
  const http: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const [ms, res] = await timed(() => stack.api(key, "GET", "/v1/tasks/ready?limit=20"));
    if (res.status !== 200) throw new Error(`ready answered ${res.status}`);
    http.push(ms);
    // The server's floor on this machine right now: an authenticated route that reads one row.
    floor.push((await timed(() => stack.api(key, "GET", "/v1/agent/me")))[0]);
  }
  // The store's part: the same query on the server's database file, in this process.
  const reader = new Database(stack.dbPath, { readonly: true });
  const index = new SqliteTaskIndex(reader);
  const store: number[] = [];
  let blockedListed = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const [ms, tasks] = await timed(async () =>
      index.tasks(index.readyIds({ agentId: "bench-worker", now: Date.now(), limit: 20 })),
    );
    store.push(ms);
    blockedListed += tasks.filter((task) => task.blocked_by.length > 0).length;
  }
  reader.close();
  return {
    http: summary(http),
    store: summary(store),
    agent_me_floor: summary(floor),
    blocked_listed: blockedListed,
  };
}

/** GitHub requests per new link, and for the same link sent again. */
async function linkFigures(stack: Stack, key: string, create: Create) {
  const id = await create("Link bench task");
  const link = { kind: "pr", repo: "acme/api", ref: "42" };
  let mark = stack.double.requests.length;
  await stack.api(key, "POST", `/v1/tasks/${id}/links`, link);
  const added = rateLimitedSince(stack.double, mark).length;
  mark = stack.double.requests.length;
  await stack.api(key, "POST", `/v1/tasks/${id}/links`, link);
  return { new_link: added, same_link_again: rateLimitedSince(stack.double, mark).length };
}

/** Fleet attention over the filled index (readyFigures ran first), 100 tasks made overdue. */
async function attentionFigures(stack: Stack) {
  const lead = await stack.createAgent("bench-lead", "coordinator");
  const db = new Database(stack.dbPath);
  db.prepare(
    "UPDATE task_index SET due_date = '2020-01-01', task = json_set(task, '$.due_date', '2020-01-01') WHERE task_id BETWEEN 1000000 AND 1000099",
  ).run();
  db.close();
  const ms: number[] = [];
  const mark = stack.double.requests.length;
  for (let i = 0; i < SAMPLES; i++) {
    const [took, res] = await timed(() => stack.api(lead, "GET", "/v1/fleet/attention"));
    if (res.status !== 200 || res.json.buckets.overdue.length !== 50)
      throw new Error(`attention answered ${res.status}`);
    ms.push(took);
  }
  return { ms: summary(ms), githubRequests: stack.double.requests.length - mark };
}

/** The GitHub calls a claim makes (a conditional read, one issue write), made directly. */
function directGitHub(stack: Stack) {
  const base = `${stack.double.url}/api/v3/repos/${stack.env.BATON_REPO}/issues`;
  const headers = {
    authorization: "token ghs_bench",
    accept: "application/vnd.github+json",
    "content-type": "application/json",
  };
  const etags = new Map<number, string>();
  return {
    get: async (id: number) => {
      const res = await fetch(`${base}/${id}`, {
        headers: { ...headers, ...(etags.has(id) ? { "if-none-match": etags.get(id)! } : {}) },
      });
      const etag = res.headers.get("etag");
      if (etag) etags.set(id, etag);
      await res.arrayBuffer();
    },
    patch: async (id: number) => {
      const res = await fetch(`${base}/${id}`, {
        method: "PATCH",
        headers,
        body: JSON.stringify({
          labels: ["priority:medium", "status:in-progress"],
          body: "x".repeat(300),
        }),
      });
      await res.arrayBuffer();
    },
  };
}

await main();
