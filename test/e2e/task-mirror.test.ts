import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../support/stack.js";

// Issue #20 end to end: reads answered from the task mirror send GitHub nothing, a person's change
// on github.com reaches them through the webhook, and a lost store is filled again from GitHub.
let stack: Stack;
let lead: string;

const asAlice = (method: string, path: string, body: unknown) =>
  fetch(`${stack.double.url}/api/v3/repos/acme/tasks${path}`, {
    method,
    headers: { authorization: "token user:alice", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const requestsDuring = async (work: () => Promise<unknown>) => {
  const mark = stack.double.requests.length;
  await work();
  return stack.double.requests.slice(mark).map((r) => `${r.method} ${r.path}`);
};
/** Polls until Baton's start-up refresh of the mirror is done (reads send GitHub nothing). */
async function mirrorFilled(id: number) {
  for (let i = 0; i < 200; i++) {
    const sent = await requestsDuring(() => stack.api(lead, "GET", `/v1/tasks/${id}`));
    if (sent.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the mirror was never filled");
}

beforeAll(async () => {
  stack = await startStack();
  lead = await stack.createAgent("lead", "coordinator");
});
afterAll(async () => {
  await stack?.stop();
});

describe("reads from the task mirror", () => {
  it("get, lists with filters and stats send GitHub nothing; an agent reads its write back", async () => {
    const { json: task } = await stack.api(lead, "POST", "/v1/tasks", {
      content: "Rotate the webhook secrets",
      priority: 3,
      labels: ["security"],
    });
    await mirrorFilled(task.id);
    const sent = await requestsDuring(async () => {
      expect((await stack.api(lead, "GET", `/v1/tasks/${task.id}`)).json).toMatchObject({
        content: "Rotate the webhook secrets",
        priority: 3,
      });
      const listed = await stack.api(lead, "GET", "/v1/tasks?label=security&priority=3&limit=10");
      expect(listed.json.map((t: { id: number }) => t.id)).toEqual([task.id]);
      expect((await stack.api(lead, "GET", "/v1/stats")).json.open_tasks).toBeGreaterThan(0);
    });
    expect(sent).toEqual([]);

    await stack.api(lead, "PUT", `/v1/tasks/${task.id}`, { priority: 4 });
    expect((await stack.api(lead, "GET", `/v1/tasks/${task.id}`)).json.priority).toBe(4);
  });

  it("shows a person's change on github.com once its webhook has arrived", async () => {
    const { json: task } = await stack.api(lead, "POST", "/v1/tasks", {
      content: "Renew the wildcard certificate",
    });
    const res = await asAlice("PATCH", `/issues/${task.id}`, {
      state: "closed",
      state_reason: "completed",
    });
    expect(res.status).toBe(200);
    await stack.double.waitForWebhooksIdle();
    const sent = await requestsDuring(async () => {
      expect((await stack.api(lead, "GET", `/v1/tasks/${task.id}`)).json).toMatchObject({
        status: "completed",
        completed: true,
      });
      const open = await stack.api(lead, "GET", "/v1/tasks?limit=100");
      expect(open.json.map((t: { id: number }) => t.id)).not.toContain(task.id);
    });
    expect(sent).toEqual([]);
  });

  it("chains and children (/v1 and /api) send GitHub nothing, and follow a person's unlink", async () => {
    const delegate = async (parent: number, content: string) =>
      (await stack.api(lead, "POST", `/v1/tasks/${parent}/delegate`, { content })).json as {
        id: number;
      };
    const { json: root } = await stack.api(lead, "POST", "/v1/tasks", {
      content: "Move the DNS zone to the new provider",
    });
    const child = await delegate(root.id, "Export the zone file from the old provider");
    const grandchild = await delegate(child.id, "List the records the zone file holds");
    // Under a parent already delegated: the link alone changes the root on GitHub.
    const sibling = await delegate(root.id, "Lower the zone's TTLs before the move");
    await stack.double.waitForWebhooksIdle();
    const ids = (chain: { json: { chain: { id: number }[] } }) => chain.json.chain.map((t) => t.id);
    const sent = await requestsDuring(async () => {
      for (const prefix of ["/v1", "/api"]) {
        const chain = await stack.api(lead, "GET", `${prefix}/tasks/${grandchild.id}/chain`);
        expect(ids(chain)).toEqual([root.id, child.id, sibling.id, grandchild.id]);
        const children = await stack.api(lead, "GET", `${prefix}/tasks/${root.id}/children`);
        expect(children.json.map((t: { id: number }) => t.id)).toEqual([child.id, sibling.id]);
      }
      // The root as GitHub has it: adding its second sub-issue changed its updated_at too.
      const { json: chain } = await stack.api(lead, "GET", `/v1/tasks/${root.id}/chain`);
      expect(chain.root.updated_at).toBe(stack.double.state.issues.get(root.id)!.updatedAt);
    });
    expect(sent).toEqual([]);

    const subIssueId = stack.double.state.issues.get(child.id)!.id;
    const res = await asAlice("DELETE", `/issues/${root.id}/sub_issue`, {
      sub_issue_id: subIssueId,
    });
    expect(res.status).toBe(200);
    await stack.double.waitForWebhooksIdle();
    const after = await requestsDuring(async () => {
      const chain = await stack.api(lead, "GET", `/v1/tasks/${grandchild.id}/chain`);
      expect(ids(chain)).toEqual([child.id, grandchild.id]);
      expect(chain.json.root).toMatchObject({ id: child.id, delegation_depth: 0 });
      const children = await stack.api(lead, "GET", `/v1/tasks/${root.id}/children`);
      expect(children.json.map((t: { id: number }) => t.id)).toEqual([sibling.id]);
    });
    expect(after).toEqual([]);
  });

  it("at a restart lists the open issues once, page by page, for everything start-up needs", async () => {
    for (let i = 0; i < 105; i++) {
      const res = await asAlice("POST", "/issues", { title: `Someone's issue ${i}` });
      expect(res.status).toBe(201);
    }
    await stack.double.waitForWebhooksIdle();
    const mark = stack.double.requests.length;
    await stack.restart();
    // Start-up work is done when GitHub has heard nothing new for a second.
    for (let seen = -1; seen !== stack.double.requests.length;) {
      seen = stack.double.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const lists = stack.double.requests
      .slice(mark)
      .filter((r) => r.method === "GET" && r.path.includes("/repos/acme/tasks/issues?state=open&"));
    // Two pages of open issues (over 100): the dedup sync, the mirror and the link repair share them.
    expect(lists.map((r) => r.status)).toEqual([200, 200]);
  });

  it("is filled again from GitHub when the store is lost", async () => {
    const { json: kept } = await stack.api(lead, "POST", "/v1/tasks", {
      content: "Archive the build logs",
    });
    await stack.baton.stop();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${stack.dbPath}${suffix}`, { force: true });
    await stack.restart();
    lead = await stack.createAgent("lead", "coordinator");
    await mirrorFilled(kept.id);
    const all = await stack.api(lead, "GET", "/v1/tasks?include_completed=true&limit=100");
    expect(all.json.map((t: { content: string }) => t.content)).toEqual(
      expect.arrayContaining([
        "Archive the build logs",
        "Renew the wildcard certificate",
        "Rotate the webhook secrets",
      ]),
    );
  });
});
