import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { createOctokitClass } from "../../src/github/octokit.js";
import { testPrivateKey } from "../support/stack.js";

/** The `context.octokit` Probot hands each received event, in order. */
async function eventClients(events: { name: string; action: string; installation: number }[]) {
  const probot = new Probot({
    appId: 1,
    privateKey: testPrivateKey(),
    secret: "s",
    Octokit: createOctokitClass({ writeSpacingMs: 0, retryBudgetSeconds: 0 }),
  });
  const clients: unknown[] = [];
  // Probot hands a Context (with its client), though onAny is typed with the plain event.
  probot.onAny(
    (context) => void clients.push((context as unknown as { octokit: unknown }).octokit),
  );
  for (const [i, event] of events.entries())
    await probot.receive({
      id: String(i),
      name: event.name,
      payload: { action: event.action, installation: { id: event.installation } },
    } as Parameters<Probot["receive"]>[0]);
  return clients;
}

describe("one event client per installation, not one per webhook", () => {
  it("events of one installation share a client; another installation has its own", async () => {
    const [first, second, other] = await eventClients([
      { name: "issues", action: "opened", installation: 7 },
      { name: "issue_comment", action: "created", installation: 7 },
      { name: "issues", action: "opened", installation: 8 },
    ]);
    expect(second).toBe(first);
    expect(other).not.toBe(first);
  });

  it("a removed installation gets Probot's unauthenticated client, not the cached one", async () => {
    const [live, removed] = await eventClients([
      { name: "issues", action: "opened", installation: 7 },
      { name: "installation", action: "deleted", installation: 7 },
    ]);
    expect(removed).not.toBe(live);
    expect(await (removed as { auth: () => Promise<unknown> }).auth()).toMatchObject({
      type: "unauthenticated",
      reason: expect.stringMatching(/access has been revoked/),
    });
  });
});
