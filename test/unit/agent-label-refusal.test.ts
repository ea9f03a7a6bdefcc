import { describe, expect, it } from "vitest";
import { refusedAgentLabel } from "../../src/tasks/agent-label-refusal.js";

const known = (id: string) => id === "w1";
const alice = { login: "alice", type: "User" };

describe("refusedAgentLabel: a person's agent label naming no agent", () => {
  it("is refused when a person adds it; the unknown id is named", () => {
    expect(
      refusedAgentLabel(
        { action: "labeled", label: { name: "agent:ghost" }, sender: alice },
        known,
      ),
    ).toBe("ghost");
  });
  it("stands when the agent exists, when a bot added it, or when it is no agent label", () => {
    const bot = { login: "baton[bot]", type: "Bot" };
    expect(
      refusedAgentLabel({ action: "labeled", label: { name: "agent:w1" }, sender: alice }, known),
    ).toBeNull();
    expect(
      refusedAgentLabel({ action: "labeled", label: { name: "agent:ghost" }, sender: bot }, known),
    ).toBeNull();
    expect(
      refusedAgentLabel(
        { action: "labeled", label: { name: "priority:high" }, sender: alice },
        known,
      ),
    ).toBeNull();
    expect(
      refusedAgentLabel(
        { action: "unlabeled", label: { name: "agent:ghost" }, sender: alice },
        known,
      ),
    ).toBeNull();
  });
});
