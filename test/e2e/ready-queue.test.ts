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
