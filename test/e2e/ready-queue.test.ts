import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  startBaton,
  startStack,
  type BatonProcess,
  type Stack,
} from "../support/stack.js";

let stack: Stack;
let replica: BatonProcess | undefined;
const keys: Record<string, string> = {};
const WORKERS = ["w1", "w2", "w3", "w4", "w5", "w6"];

beforeAll(async () => {
  stack = await startStack({ env: { BATON_LEASE_MIN_S: "1", BATON_LEASE_SWEEP_MS: "200" } });
  for (const name of ["monitor", "infra", "infra2", "dns", ...WORKERS])
    keys[name] = await stack.createAgent(name);
});
afterAll(async () => {
  await replica?.stop();
  await stack?.stop();
});

const create = async (body: Record<string, unknown>) => {
  const res = await stack.api(keys.monitor, "POST", "/v1/tasks", {
    allow_duplicate: true,
    ...body,
  });
  expect(res.status).toBe(201);
  return res.json.id as number;
};
const readyIds = async (agent: string, query = "") => {
  const res = await stack.api(keys[agent], "GET", `/v1/tasks/ready${query}`);
  expect(res.status).toBe(200);
  return res.json.map((t: { id: number }) => t.id) as number[];
};

describe("the ready queue", () => {
  it("lists open, unclaimed work for the caller: priority first, then oldest", async () => {
    const low = await create({ content: "Tidy the runbooks", labels: ["ready1"] });
    const urgent = await create({ content: "Page: disk full", priority: 4, labels: ["ready1"] });
    const mine = await create({
      content: "Infra2 only",
      assigned_to_agent_id: "infra2",
      labels: ["ready1"],
    });
    const others = await create({
      content: "For dns",
      priority: 3,
      assigned_to_agent_id: "dns",
      labels: ["ready1"],
    });
    const done = await create({ content: "Finished already", labels: ["ready1"] });
    await stack.api(keys.monitor, "POST", `/v1/tasks/${done}/complete`);

    expect(await readyIds("infra", "?label=ready1")).toEqual([urgent, low]);
    expect(await readyIds("infra2", "?label=ready1")).toEqual([urgent, low, mine]);
    expect(await readyIds("dns", "?label=ready1")).toEqual([urgent, others, low]);

    // Unassigned work is any worker's: infra sees it, claims it, then holds it.
    const claimed = await stack.api(keys.infra, "POST", "/v1/tasks/claim", { labels: ["ready1"] });
    expect(claimed.json.task).toMatchObject({ id: urgent, claimed_by_agent_id: "infra" });
    expect(await readyIds("infra2", "?label=ready1")).toEqual([low, mine]);
    expect((await stack.api(keys.infra, "GET", `/v1/tasks/${urgent}`)).status).toBe(200);
    const edited = await stack.api(keys.infra, "PUT", `/v1/tasks/${urgent}`, {
      description: "on it",
    });
    expect(edited.status).toBe(200);
  });

  it("open unassigned work is every worker's to read; changing it needs a claim", async () => {
    const work = await create({ content: "Rotate the log bucket keys", labels: ["seen1"] });
    const theirs = await create({
      content: "Only for dns",
      assigned_to_agent_id: "dns",
      labels: ["seen1"],
    });
    const finished = await create({ content: "Done already", labels: ["seen1"] });
    await stack.api(keys.monitor, "POST", `/v1/tasks/${finished}/complete`);

    // infra created none of them, nor is it assigned: it reads the unassigned open one only.
    expect(await readyIds("infra", "?label=seen1")).toEqual([work]);
    const read = await stack.api(keys.infra, "GET", `/v1/tasks/${work}`);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ id: work, assigned_to_agent_id: null });
    expect((await stack.api(keys.infra, "GET", `/v1/tasks/${theirs}`)).status).toBe(404);
    expect((await stack.api(keys.infra, "GET", `/v1/tasks/${finished}`)).status).toBe(404);
    const listed = await stack.api(
      keys.infra,
      "GET",
      "/v1/tasks?label=seen1&include_completed=true",
    );
    expect(listed.json.map((t: { id: number }) => t.id)).toEqual([work]);
    expect((await stack.api(keys.infra, "GET", `/api/tasks/${work}`)).status).toBe(200);

    // Seen, not held: a write or a comment is refused until infra claims it.
    const refused = await stack.api(keys.infra, "PUT", `/v1/tasks/${work}`, { priority: 4 });
    expect(refused.json).toMatchObject({ status: 403, code: "forbidden" });
    expect(refused.json.error).toContain("claim it first");
    const comment = await stack.api(keys.infra, "POST", `/v1/tasks/${work}/comments`, {
      content: "looking",
    });
    expect(comment.status).toBe(403);
    const claimed = await stack.api(keys.infra, "POST", `/v1/tasks/${work}/claim`);
    expect(claimed.status).toBe(200);
    const edited = await stack.api(keys.infra, "PUT", `/v1/tasks/${work}`, { priority: 4 });
    expect(edited.json).toMatchObject({ priority: 4, claimed_by_agent_id: "infra" });

    // Given to an agent, it is that agent's: other workers no longer see it.
    await stack.api(keys.infra, "POST", `/v1/tasks/${work}/release`);
    const given = await stack.api(keys.monitor, "PUT", `/v1/tasks/${work}`, {
      assigned_to_agent_id: "dns",
    });
    expect(given.status).toBe(200);
    expect((await stack.api(keys.infra2, "GET", `/v1/tasks/${work}`)).status).toBe(404);
  });

  it("a queue claim answers {task: null} when nothing is claimable", async () => {
    const res = await stack.api(keys.infra, "POST", "/v1/tasks/claim", {
      labels: ["nothing-here"],
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ task: null, claim_token: null });
    const bare = await stack.api(keys.infra, "POST", "/api/tasks/claim");
    expect(bare.status).toBe(200);
  });

  it("N agents racing for M tasks each get a different one or null, across two replicas", async () => {
    // A second Baton process on the same database: the claim is decided in the store.
    replica = await startBaton({ ...stack.env, PORT: String(await freePort()) });
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push(await create({ content: `Race task ${i}`, labels: ["race"] }));
    const answers = await Promise.all(
      WORKERS.map((name, i) =>
        fetch(`${i % 2 ? replica!.url : stack.baton.url}/v1/tasks/claim`, {
          method: "POST",
          headers: { "x-agent-key": keys[name]!, "content-type": "application/json" },
          body: JSON.stringify({ labels: ["race"] }),
        }).then((res) => res.json() as Promise<{ task: { id: number } | null }>),
      ),
    );
    if (answers.some((a) => !("task" in a)))
      console.log(replica.logs.join("\n"), stack.baton.logs.join("\n"));
    const won = answers.flatMap((a) => (a.task ? [a.task.id] : []));
    expect(won.sort()).toEqual([...ids].sort());
    expect(answers.filter((a) => a.task === null)).toHaveLength(WORKERS.length - ids.length);
  });
});
