// A seeded fuzzer over every route of GET /v1/openapi.json, for test/e2e/fuzz.test.ts and
// bench/chaos/fuzz.ts: requests one at a time, each answer checked (< 500, the error envelope)
// and, for a refused request, the GitHub writes it caused counted (must be none).
import { gzipSync } from "node:zlib";
import { mulberry32 } from "../../src/dedup/eval/metrics.js";
import { writesSince } from "./assertions.js";
import type { Stack } from "./stack.js";

export interface FuzzFinding {
  method: string;
  path: string;
  status: number;
  problem: string;
}

export interface FuzzFigures {
  fuzz_requests: number;
  fuzz_5xx: number;
  github_writes_for_rejected: number;
  routes: number;
  /** How many answers had each status. */
  statuses: Record<string, number>;
  findings: FuzzFinding[];
}

const PARAMS = [
  "%",
  "%zz",
  "%E0%A4%A",
  "1",
  "0",
  "-1",
  "2",
  "99999999999999999999",
  "abc",
  "%00",
  "..%2F..",
  "%F0%9F%98%80",
  "1e3",
  " ",
  "null",
];
const STRINGS = [
  "",
  " ",
  "x",
  "@alice &#64;bob #1",
  "<!-- baton:v1 {} -->",
  "\u0000",
  "😀".repeat(50),
  "a".repeat(300),
  "<".repeat(20_000),
  "\ud800",
];
const KEYS = [
  "content",
  "description",
  "priority",
  "labels",
  "context",
  "status",
  "assigned_to_agent_id",
  "parent_task_id",
  "project_id",
  "url",
  "events",
  "name",
  "role",
  "active",
  "due_date",
  "threshold",
  "author",
  "completed",
  "id",
];

type Rand = () => number;
const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

function value(rand: Rand, depth = 0): unknown {
  switch (Math.floor(rand() * (depth > 2 ? 6 : 9))) {
    case 0:
      return pick(rand, STRINGS);
    case 1:
      return Math.floor(rand() * 10) - 2;
    case 2:
      return pick(rand, [1e308, -0, 0.5, Number.MAX_SAFE_INTEGER + 2]);
    case 3:
      return rand() < 0.5;
    case 4:
      return null;
    case 5:
      return pick(rand, [
        "2026-01-01",
        "tomorrow",
        "open",
        "completed",
        "task.created",
        "https://example.com/hook",
        "http://[::ffff:0:127.0.0.1]/",
      ]);
    case 6:
      return Array.from({ length: Math.floor(rand() * 4) }, () => value(rand, depth + 1));
    case 7:
      return object(rand, depth + 1);
    default:
      return nest(Math.floor(rand() * 200) + 1);
  }
}

function object(rand: Rand, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(rand() * 5); i > 0; i--) out[pick(rand, KEYS)] = value(rand, depth);
  return out;
}

function nest(levels: number): unknown {
  let inner: unknown = 1;
  for (let i = 0; i < levels; i++) inner = [inner];
  return inner;
}

/** One request's body and headers: JSON of every shape, broken JSON, bad encodings, deep nesting. */
function body(rand: Rand): { body?: string | Buffer; headers: Record<string, string> } {
  const json = { "content-type": "application/json" };
  switch (Math.floor(rand() * 10)) {
    case 0:
      return { headers: {} };
    case 1:
      return { body: "{not json", headers: json };
    case 2:
      return {
        body: Buffer.from("garbage"),
        headers: { ...json, "content-encoding": pick(rand, ["gzip", "deflate", "br", "compress"]) },
      };
    case 3:
      return {
        body: gzipSync(JSON.stringify(object(rand, 0))),
        headers: { ...json, "content-encoding": "gzip" },
      };
    case 4:
      return {
        body: `{"content":"deep","context":{"a":${"[".repeat(4500)}${"]".repeat(4500)}}}`,
        headers: json,
      };
    case 5:
      return { body: JSON.stringify(value(rand)), headers: json };
    case 6:
      return {
        body: "content=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      };
    default:
      return {
        body: JSON.stringify({ content: `Fuzz ${Math.floor(rand() * 1e6)}`, ...object(rand, 0) }),
        headers: json,
      };
  }
}

interface Operation {
  method: string;
  path: string;
}

export async function listOperations(stack: Stack): Promise<Operation[]> {
  const doc = (await stack.api(undefined, "GET", "/v1/openapi.json")).json as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
  );
}

const isEnvelope = (json: unknown, status: number) => {
  const e = json as { error?: unknown; code?: unknown; status?: unknown } | null;
  return typeof e?.error === "string" && typeof e.code === "string" && e.status === status;
};

/** Runs `requests` fuzzed requests (seeded) against the stack, one at a time. */
export async function fuzz(
  stack: Stack,
  options: { agentKey: string; requests: number; seed: number },
): Promise<FuzzFigures> {
  const rand = mulberry32(options.seed);
  const operations = await listOperations(stack);
  const findings: FuzzFinding[] = [];
  let fuzz5xx = 0;
  let writesForRejected = 0;
  const statuses: Record<string, number> = {};
  for (let i = 0; i < options.requests; i++) {
    const operation = operations[i % operations.length]!;
    const path = `/${pick(rand, ["v1", "api"])}${operation.path.replace(/\{\w+\}/g, () => pick(rand, PARAMS))}`;
    const method =
      rand() < 0.9 ? operation.method : pick(rand, ["GET", "POST", "PUT", "PATCH", "DELETE"]);
    const sent =
      method === "GET" || method === "DELETE"
        ? { headers: {} as Record<string, string> }
        : body(rand);
    const headers: Record<string, string> = { ...sent.headers };
    const auth = rand();
    if (auth < 0.8) headers["x-agent-key"] = options.agentKey;
    else if (auth < 0.9)
      headers.authorization = `Bearer ${pick(rand, ["", "nope", "baton_x", "%"])}`;
    if (rand() < 0.3)
      headers["idempotency-key"] = pick(rand, ["", "k".repeat(300), `fuzz-${i}`, "same-key"]);
    const from = stack.double.requests.length;
    let status: number;
    let json: unknown;
    try {
      const res = await fetch(`${stack.baton.url}${path}`, { method, headers, body: sent.body });
      status = res.status;
      const text = await res.text();
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
    } catch (error) {
      // A path fetch itself refuses to send (an invalid URL) is not the server's answer.
      if (error instanceof TypeError && !String(error.cause ?? "").includes("ECONN")) continue;
      throw error;
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status >= 500) {
      fuzz5xx++;
      findings.push({ method, path, status, problem: JSON.stringify(json).slice(0, 200) });
    } else if (status >= 400) {
      if (!isEnvelope(json, status))
        findings.push({
          method,
          path,
          status,
          problem: `no envelope: ${JSON.stringify(json).slice(0, 120)}`,
        });
      // Let webhooks the double sends settle before counting: writes are logged as they happen.
      const writes = writesSince(stack.double, from).length;
      if (writes > 0) {
        writesForRejected += writes;
        findings.push({
          method,
          path,
          status,
          problem: `${writes} GitHub writes for a refused request`,
        });
      }
    }
  }
  return {
    fuzz_requests: options.requests,
    fuzz_5xx: fuzz5xx,
    github_writes_for_rejected: writesForRejected,
    routes: operations.length,
    statuses,
    findings,
  };
}
