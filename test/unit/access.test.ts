import { describe, expect, it } from "vitest";
import {
  canComment,
  canRead,
  canWrite,
  isOpenWorkFor,
  type Caller,
  type Ownership,
} from "../../src/tasks/access.js";

const worker: Caller = { id: "infra", role: "worker" };
const task = (over: Partial<Ownership> = {}): Ownership => ({
  created_by_agent_id: "monitor",
  assigned_to_agent_id: null,
  completed: false,
  project_id: 7,
  ...over,
});

describe("who reads and writes a task (DESIGN §7, issue #17)", () => {
  it("a worker reads open work nobody is assigned, but writes and comments only once it holds it", () => {
    expect(canRead(worker, task())).toBe(true);
    expect(canWrite(worker, task())).toBe(false);
    expect(canComment(worker, task())).toBe(false);
    expect(canWrite(worker, task({ claimed_by_agent_id: "infra" }))).toBe(true);
  });

  it("assigned to another agent, completed, or of unknown state: not open work", () => {
    expect(canRead(worker, task({ assigned_to_agent_id: "dns" }))).toBe(false);
    expect(canRead(worker, task({ completed: true }))).toBe(false);
    expect(canRead(worker, { created_by_agent_id: "monitor", assigned_to_agent_id: null })).toBe(
      false,
    );
    expect(canRead(worker, task({ completed: true, created_by_agent_id: "infra" }))).toBe(true);
  });

  it("an agent restricted to projects takes open work of those only; its own tasks stay its own", () => {
    const web = { ...worker, projectIds: [7] };
    const none = { ...worker, projectIds: [] };
    expect(isOpenWorkFor(web, task())).toBe(true);
    expect(isOpenWorkFor(web, task({ project_id: 8 }))).toBe(false);
    expect(isOpenWorkFor(web, task({ project_id: null }))).toBe(false);
    expect(isOpenWorkFor({ ...worker, projectIds: null }, task({ project_id: null }))).toBe(true);
    expect(canRead(none, task())).toBe(false);
    expect(canRead(none, task({ created_by_agent_id: "infra" }))).toBe(true);
    expect(canRead(none, task({ assigned_to_agent_id: "infra", project_id: 8 }))).toBe(true);
    // Coordinators read everything, restricted or not (their claims are restricted elsewhere).
    expect(canRead({ id: "lead", role: "coordinator", projectIds: [] }, task())).toBe(true);
  });
});
