/**
 * `npm run bench:facade`: the REST facade against the GitHub double at zero latency.
 * Prints progress to stderr and, as its last stdout line, one JSON object:
 * github_requests per operation (rate-limited requests; a 304 costs none), the server's own added
 * latency (API time minus the same GitHub calls made directly), GET /v1/tasks/{id} requests/s and
 * the server's RSS after 1,000 tasks.
 */
import { rateLimitedSince } from "../test/support/assertions.js";
import { startStack, type ApiResponse, type Stack } from "../test/support/stack.js";
import { measureDelegation } from "./delegation-counts.js";
import { githubLatencyFigures } from "./github-latency.js";
import { round, rssMb, summary, timed } from "./stats.js";
import { DEFAULT_METHOD } from "../src/dedup/calibration.js";
import { resolveMethod } from "../src/dedup/methods.js";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const TASKS = 1000;
const log = (message: string) => process.stderr.write(`${message}\n`);

const BASE_ENV = { BATON_RATE_LIMIT_PER_MINUTE: "1000000", LOG_LEVEL: "error" };

async function main() {
  const core = await coreFigures();
  // The same create latency and RSS with the default dedup method, which loads a model.
  const withDefault = resolveMethod(DEFAULT_METHOD).dense
    ? await defaultDedupFigures(DEFAULT_METHOD)
    : undefined;
  log("with 100 ms per GitHub request (the task mirror)…");
  const withLatency = await githubLatencyFigures({ ...BASE_ENV, BATON_EMBEDDINGS: "lexical" });
  console.log(
    JSON.stringify({ ...core, with_default_dedup: withDefault, with_github_latency: withLatency }),
  );
}

async function coreFigures() {
  // The budgets of the core API hold "without an embedding model": the lexical dedup method.
  const stack = await startStack({ env: { ...BASE_ENV, BATON_EMBEDDINGS: "lexical" } });
  try {
    const worker = await stack.createAgent("bench-worker", "admin");
    await stack.createAgent("bench-other");
    const direct = directGitHub(stack);

    log("warming up…");
    const warm = await stack.api(worker, "POST", "/v1/tasks", {
      content: "warm-up",
      assigned_to_agent_id: "bench-other",
      labels: ["bench"],
    });
    await stack.api(worker, "GET", `/v1/tasks/${warm.json.id}`);

    log("requests per operation…");
    const counts = await requestCounts(stack, worker);

    log(`added latency (${SAMPLES} samples each)…`);
    const added = { get: [] as number[], list: [] as number[] };
    const { ids, latencies: createLatencies } = await measureCreates(stack, worker, SAMPLES);
    for (const id of ids) {
      await stack.api(worker, "GET", `/v1/tasks/${id}`);
      const [api] = await timed(() => stack.api(worker, "GET", `/v1/tasks/${id}`));
      const [raw] = await timed(() =>
        direct.conditionalGet(`/repos/${stack.env.BATON_REPO}/issues/${id}`),
      );
      added.get.push(api - raw);
    }
    for (let i = 0; i < Math.min(SAMPLES, 50); i++) {
      const [api] = await timed(() => stack.api(worker, "GET", "/v1/tasks?limit=100&label=bench"));
      const [raw] = await timed(() => direct.conditionalList());
      added.list.push(api - raw);
    }

    log("GET /v1/tasks/{id} throughput…");
    const getRps = await throughput(stack, worker, ids);

    log(`filling to ${TASKS} tasks for RSS…`);
    await fillTo(stack, worker, TASKS);
    const listMark = stack.double.requests.length;
    const all = await stack.api(worker, "GET", "/v1/tasks?limit=100");
    const listRequests = rateLimitedSince(stack.double, listMark).length;
    const rss = rssMb(stack.baton.child.pid!);

    log("delegation (issue #3 budget)…");
    const delegation = await measureDelegation(stack);

    return {
      github_requests: {
        ...counts,
        list_per_100: round(listRequests / (Number(all.headers.get("x-total-count")) / 100), 2),
      },
      list_1000_cold_requests: listRequests,
      added_latency_ms: {
        create: summary(createLatencies),
        get: summary(added.get),
        list: summary(added.list),
      },
      get_rps: getRps,
      delegation,
      rss_mb_after_1000: rss,
      dedup_method: "lexical",
      samples: SAMPLES,
      targets: { added_p50_ms: 5, rss_mb: 150 },
    };
  } finally {
    await stack.stop();
  }
}

/** Create latency and RSS after 1,000 tasks with the default dedup method (a model loaded). */
async function defaultDedupFigures(method: string) {
  log(`with the default dedup method (${method})…`);
  const stack = await startStack({ env: BASE_ENV });
  try {
    const worker = await stack.createAgent("bench-worker", "admin");
    await stack.createAgent("bench-other");
    // Warm up as the core run does (the first embedding also warms the model up).
    await stack.api(worker, "POST", "/v1/tasks", { content: "warm-up", labels: ["bench"] });
    await stack.api(worker, "POST", "/v1/tasks", { content: "warm-up", allow_duplicate: true });
    const { latencies } = await measureCreates(stack, worker, Math.min(SAMPLES, 100));
    await fillTo(stack, worker, TASKS);
    return {
      method,
      added_latency_ms: { create: summary(latencies) },
      rss_mb_after_1000: rssMb(stack.baton.child.pid!),
    };
  } finally {
    await stack.stop();
  }
}

/**
 * Added create latency: each API create's time minus the same issue created directly. A create
 * that is not a 201 (a duplicate refusal, say) would time nothing real, so it fails the bench.
 */
async function measureCreates(stack: Stack, worker: string, count: number) {
  const direct = directGitHub(stack);
  const ids: number[] = [];
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const body = {
      content: `Latency sample ${i}`,
      priority: 2,
      assigned_to_agent_id: "bench-other",
      labels: ["bench"],
    };
    const [api, res] = await timed(() => stack.api(worker, "POST", "/v1/tasks", body));
    if (res.status !== 201) throw new Error(`create ${i} answered ${res.status}`);
    ids.push(res.json.id);
    const [raw] = await timed(() => direct.createIssue(res.json.id));
    latencies.push(api - raw);
  }
  return { ids, latencies };
}

async function fillTo(stack: Stack, worker: string, total: number) {
  for (let i = stack.double.state.issues.size; i < total; i++) {
    const res = await stack.api(worker, "POST", "/v1/tasks", { content: `Filler ${i}` });
    if (res.status !== 201) throw new Error(`filler ${i} answered ${res.status}`);
  }
}

async function requestCounts(stack: Stack, key: string) {
  // Every request counted must have succeeded: a refused one makes fewer requests than the real one.
  const succeeded = async (what: string, call: Promise<ApiResponse>) => {
    const res = await call;
    if (res.status < 200 || res.status > 299) throw new Error(`${what} answered ${res.status}`);
    return res;
  };
  const measure = async (what: string, call: () => Promise<ApiResponse>) => {
    const mark = stack.double.requests.length;
    await succeeded(what, call());
    return rateLimitedSince(stack.double, mark).length;
  };
  const createTask = (content: string) =>
    stack.api(key, "POST", "/v1/tasks", {
      content,
      assigned_to_agent_id: "bench-other",
      labels: ["bench"],
    });
  let id = 0;
  const create = await measure("create", async () => {
    const res = await createTask("Count me");
    id = res.json.id;
    return res;
  });
  await succeeded("get", stack.api(key, "GET", `/v1/tasks/${id}`));
  const get_unchanged = await measure("get", () => stack.api(key, "GET", `/v1/tasks/${id}`));
  const update = await measure("update", () =>
    stack.api(key, "PATCH", `/v1/tasks/${id}`, { priority: 4 }),
  );
  const comment = await measure("comment", () =>
    stack.api(key, "POST", `/v1/tasks/${id}/comments`, { content: "A comment" }),
  );
  // The comment changed the issue, so the complete's conditional read of it is a 200 (reads are
  // answered from the mirror, which no longer pays that read as the GET above once did).
  const complete_after_comment = await measure("complete", () =>
    stack.api(key, "POST", `/v1/tasks/${id}/complete`),
  );
  // A task whose issue is as Baton last saw it: the conditional read is a free 304.
  const other = (await succeeded("create", createTask("Count my completion"))).json.id;
  const complete = await measure("complete", () =>
    stack.api(key, "POST", `/v1/tasks/${other}/complete`),
  );
  return { create, complete, complete_after_comment, comment, update, get_unchanged };
}

async function throughput(stack: Stack, key: string, ids: number[]) {
  const concurrency = 16;
  const durationMs = 3000;
  let done = 0;
  const until = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; performance.now() < until; i += concurrency) {
        const res = await stack.api(key, "GET", `/v1/tasks/${ids[i % ids.length]}`);
        if (res.status === 200) done++;
      }
    }),
  );
  return Math.round(done / (durationMs / 1000));
}

/** The same GitHub calls the server makes, made directly, to subtract GitHub's own time. */
function directGitHub(stack: Stack) {
  const base = `${stack.double.url}/api/v3`;
  const headers = {
    authorization: "token ghs_bench",
    accept: "application/vnd.github+json",
    "content-type": "application/json",
  };
  const etags = new Map<string, string>();
  const links = new Map<string, string>();
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, {
      headers: { ...headers, ...(etags.has(path) ? { "if-none-match": etags.get(path)! } : {}) },
    });
    const etag = res.headers.get("etag");
    if (etag) etags.set(path, etag);
    await res.arrayBuffer();
  };
  return {
    createIssue: async (n: number) => {
      const res = await fetch(`${base}/repos/${stack.env.BATON_REPO}/issues`, {
        method: "POST",
        headers,
        body: JSON.stringify({ title: `Direct ${n}`, body: "x".repeat(400), labels: ["bench"] }),
      });
      await res.arrayBuffer();
    },
    conditionalGet: async (path: string) => {
      await get(path);
    },
    /** Every page of the query, as the server reads them (it filters per caller, so it reads all). */
    conditionalList: async () => {
      let url: string | undefined =
        `${base}/repos/${stack.env.BATON_REPO}/issues?state=open&per_page=100&sort=created&direction=desc&labels=bench&page=1`;
      while (url) {
        const res: Response = await fetch(url, {
          headers: { ...headers, ...(etags.has(url) ? { "if-none-match": etags.get(url)! } : {}) },
        });
        const etag = res.headers.get("etag");
        if (etag) etags.set(url, etag);
        if (res.status === 200) links.set(url, res.headers.get("link") ?? "");
        await res.arrayBuffer();
        url = /<([^>]+)>; rel="next"/.exec(links.get(url) ?? "")?.[1];
      }
    },
  };
}

await main();
