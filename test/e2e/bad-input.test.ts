import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writesSince } from "../support/assertions.js";
import { startStack, type Stack } from "../support/stack.js";

// Bad input is answered with a 4xx in the error envelope, nothing is written to GitHub for it, and
// the server logs no stack trace for it (issue #15).
let stack: Stack;
let admin: string;
let agent: string;

beforeAll(async () => {
  stack = await startStack({ env: { BATON_ANON_RATE_LIMIT_PER_MINUTE: "40", LOG_LEVEL: "info" } });
  [admin, agent] = await Promise.all([
    stack.createAgent("admin", "admin"),
    stack.createAgent("worker1"),
  ]);
});
afterAll(async () => {
  await stack?.stop();
});

const envelope = (status: number, code: string) => ({
  status,
  json: { error: expect.any(String) as string, code, status },
});

async function raw(
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${stack.baton.url}${path}`, { method, body, headers });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as unknown };
}

const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

describe("malformed requests", () => {
  it("answers a malformed %-escape in a path 400, with or without a key", async () => {
    const writes = stack.double.requests.length;
    expect(await raw("GET", "/v1/tasks/%")).toMatchObject(envelope(400, "invalid_path"));
    expect(await raw("GET", "/api/tasks/%zz", undefined, { "x-agent-key": agent })).toMatchObject(
      envelope(400, "invalid_path"),
    );
    expect(
      await raw("PATCH", "/v1/tasks/%E0%A4%A", "{}", {
        "x-agent-key": agent,
        "content-type": "application/json",
      }),
    ).toMatchObject(envelope(400, "invalid_path"));
    expect(writesSince(stack.double, writes)).toEqual([]);
  });

  it("answers bodies that cannot be decoded 400 and unknown encodings 415", async () => {
    const headers = { "x-agent-key": agent, "content-type": "application/json" };
    for (const encoding of ["gzip", "deflate", "br"]) {
      expect(
        await raw("POST", "/v1/tasks", Buffer.from("not compressed"), {
          ...headers,
          "content-encoding": encoding,
        }),
      ).toMatchObject(envelope(400, "invalid_body"));
    }
    expect(
      await raw("POST", "/v1/tasks", Buffer.from("{}"), {
        ...headers,
        "content-encoding": "compress",
      }),
    ).toMatchObject(envelope(415, "unsupported_encoding"));
    // A well-formed gzip body is read as usual.
    const ok = await raw(
      "POST",
      "/v1/tasks",
      gzipSync(JSON.stringify({ content: "Zipped task" })),
      {
        ...headers,
        "content-encoding": "gzip",
      },
    );
    expect(ok.status).toBe(201);
  });

  it("answers JSON nested thousands deep 400 on create, context PATCH and keyed POSTs", async () => {
    const task = await stack.api(agent, "POST", "/v1/tasks", { content: "Depth target" });
    const writes = stack.double.requests.length;
    const headers = { "x-agent-key": agent, "content-type": "application/json" };
    const body = `{"content":"Too deep","context":{"a":${deep(4500)}}}`;
    expect(await raw("POST", "/v1/tasks", body, headers)).toMatchObject(
      envelope(400, "json_too_deep"),
    );
    expect(
      await raw("POST", "/v1/tasks", body, { ...headers, "idempotency-key": "deep-1" }),
    ).toMatchObject(envelope(400, "json_too_deep"));
    expect(
      await raw("PATCH", `/v1/tasks/${task.json.id}/context`, `{"a":${deep(4500)}}`, headers),
    ).toMatchObject(envelope(400, "json_too_deep"));
    expect(
      await raw("POST", `/v1/tasks/${task.json.id}/comments`, `{"content":${deep(70)}}`, {
        ...headers,
        "idempotency-key": "deep-2",
      }),
    ).toMatchObject(envelope(400, "json_too_deep"));
    expect(writesSince(stack.double, writes)).toEqual([]);
  });

  it("answers Probot's own routes and unknown paths in the envelope", async () => {
    expect(
      await raw("POST", "/api/github/webhooks", "{}", { "content-type": "application/json" }),
    ).toMatchObject(envelope(400, "bad_request"));
    expect(await raw("GET", "/api/github/webhooks")).toMatchObject(envelope(404, "not_found"));
    expect(await raw("GET", "/no/such/page")).toMatchObject(envelope(404, "not_found"));
    expect(await raw("GET", "/v1/nothing-here")).toMatchObject(envelope(404, "route_not_found"));
  });

  it("logs none of those client errors with a stack trace", () => {
    expect(stack.baton.logs.filter((line) => line.includes('"stack"'))).toEqual([]);
  });
});

describe("size limits on the escaped form", () => {
  it("refuses a context that outgrows GitHub's body limit once escaped, creating no label", async () => {
    // 20,000 characters of JSON, under the 32,000 check; each `<` becomes `\u003c` in the body.
    const context = { html: "<".repeat(19_990) };
    const writes = stack.double.requests.length;
    const created = await stack.api(agent, "POST", "/v1/tasks", {
      content: "Huge context",
      labels: ["brand-new-label"],
      context,
    });
    expect(created).toMatchObject(envelope(422, "too_large_for_github"));
    expect(writesSince(stack.double, writes)).toEqual([]);
    expect([...stack.double.state.labels.values()].map((l) => l.name)).not.toContain(
      "brand-new-label",
    );

    const task = await stack.api(agent, "POST", "/v1/tasks", { content: "Small context" });
    const before = stack.double.requests.length;
    const patched = await stack.api(agent, "PATCH", `/v1/tasks/${task.json.id}/context`, context);
    expect(patched).toMatchObject(envelope(422, "too_large_for_github"));
    expect(writesSince(stack.double, before)).toEqual([]);
  });
});

describe("text shown on github.com", () => {
  const hostile =
    "cc &#64;alice &#x40;bob &commat;carol café@dave 你好@erin, closes &#35;1 and " +
    "https://github.com/acme/tasks/issues/1 <!-- x -->";

  it("stores entities, non-ASCII neighbours and issue URLs defused, and returns them exactly", async () => {
    const created = await stack.api(agent, "POST", "/v1/tasks", {
      content: "Defuse me",
      description: hostile,
    });
    expect(created.status).toBe(201);
    const body = stack.double.state.issues.get(created.json.id)!.body ?? "";
    const visible = body.split("<!-- baton:v1")[0]!;
    for (const live of ["&#64;a", "&#x40;b", "&commat;c", "é@d", "好@e", "&#35;1", "issues/1"])
      expect(visible).not.toContain(live);
    expect((await stack.api(agent, "GET", `/v1/tasks/${created.json.id}`)).json.description).toBe(
      hostile,
    );

    const comment = await stack.api(agent, "POST", `/v1/tasks/${created.json.id}/comments`, {
      content: hostile,
    });
    expect(comment.status).toBe(201);
    const stored = [...stack.double.state.comments.values()].at(-1)!.body;
    expect(stored).not.toContain("&#64;a");
    expect(stored).not.toContain("é@d");
    const listed = await stack.api(agent, "GET", `/v1/tasks/${created.json.id}/comments`);
    expect(listed.json.at(-1).content).toBe(hostile);
  });
});

describe("keys and webhooks", () => {
  it("never revives a deleted agent's key: reactivation needs a new key", async () => {
    const made = await stack.api(admin, "POST", "/v1/agents", { name: "revoked-one" });
    const oldKey = made.json.api_key as string;
    expect((await stack.api(oldKey, "GET", "/v1/agent/me")).status).toBe(200);
    expect((await stack.api(admin, "DELETE", "/v1/agents/revoked-one")).status).toBeLessThan(300);
    expect((await stack.api(oldKey, "GET", "/v1/agent/me")).status).toBe(401);

    const revived = await stack.api(admin, "PATCH", "/v1/agents/revoked-one", { active: true });
    expect(revived.json.active).toBe(true);
    expect((await stack.api(oldKey, "GET", "/v1/agent/me")).status).toBe(401);

    const rotated = await stack.api(admin, "POST", "/v1/agents/revoked-one/rotate-key");
    expect((await stack.api(rotated.json.api_key, "GET", "/v1/agent/me")).status).toBe(200);
    expect((await stack.api(oldKey, "GET", "/v1/agent/me")).status).toBe(401);
  });

  it.each(["http://[::ffff:0:127.0.0.1]/hook", "http://[64:ff9b:1::7f00:1]/hook"])(
    "refuses the webhook URL %s",
    async (url) => {
      const res = await stack.api(agent, "POST", "/v1/webhooks", { url, events: ["task.created"] });
      expect(res).toMatchObject(envelope(422, "webhook_url_refused"));
    },
  );
});

describe("anonymous floods", () => {
  it("limits requests without a valid key per address, not agents with keys", async () => {
    const answers: number[] = [];
    for (let i = 0; i < 45; i++)
      answers.push((await stack.api("wrong-key", "GET", "/v1/tasks/1")).status);
    expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(answers.at(-1)).toBe(429);
    expect(answers.every((s) => s === 401 || s === 429)).toBe(true);
    expect((await stack.api(undefined, "GET", "/v1/tasks")).status).toBe(429);
    expect((await stack.api(agent, "GET", "/v1/agent/me")).status).toBe(200);
  });
});
