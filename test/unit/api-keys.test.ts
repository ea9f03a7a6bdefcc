import { describe, expect, it } from "vitest";
import { AgentService } from "../../src/agents/agent-service.js";
import { generateApiKey } from "../../src/agents/api-keys.js";
import { SqliteAgentStore } from "../../src/store/agent-store.js";
import { openDatabase } from "../../src/store/database.js";

const service = () => {
  const db = openDatabase(":memory:");
  return {
    db,
    agents: new AgentService({ store: new SqliteAgentStore(db), pepper: "p".repeat(32) }),
  };
};

describe("agent keys", () => {
  it("are bat_ + 32 random bytes", () => {
    const key = generateApiKey();
    expect(key).toMatch(/^bat_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(4), "base64url")).toHaveLength(32);
  });

  it("stores only a keyed hash and a prefix", () => {
    const { db, agents } = service();
    const { apiKey } = agents.create({ name: "infra" });
    const dump = JSON.stringify(db.prepare("SELECT * FROM agents").all());
    expect(dump).not.toContain(apiKey);
    expect(dump).toContain(apiKey.slice(0, 10));
  });

  it("authenticates, and a rotated or deactivated key fails at once", () => {
    const { agents } = service();
    const { apiKey } = agents.create({ name: "infra" });
    expect(agents.authenticate(apiKey)?.id).toBe("infra");
    expect(agents.authenticate(apiKey + "x")).toBeUndefined();
    const rotated = agents.rotateKey("infra").apiKey;
    expect(agents.authenticate(apiKey)).toBeUndefined();
    expect(agents.authenticate(rotated)?.id).toBe("infra");
    agents.deactivate("infra");
    expect(agents.authenticate(rotated)).toBeUndefined();
  });

  it("reads Delega's is_admin as the admin role", () => {
    const { agents } = service();
    expect(agents.create({ name: "boss", is_admin: true }).agent.role).toBe("admin");
    expect(agents.create({ name: "helper" }).agent.role).toBe("worker");
  });
});
