import { describe, expect, it } from "vitest";
import {
  claimFields,
  DEFAULT_LEASE_BOUNDS,
  grantClaim,
  heartbeat,
  leaseMs,
  release,
  requireHolder,
  writeVerdict,
  type ClaimRow,
} from "../../src/tasks/lease-rules.js";
import { isBatonError } from "../../src/errors.js";

const T0 = Date.parse("2026-12-07T06:00:00Z");
const LEASE = 60_000;

function claimed(agent = "infra", now = T0): ClaimRow {
  const grant = grantClaim(undefined, 7, agent, LEASE, now);
  if (!grant.granted) throw new Error("not granted");
  return grant.row;
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isBatonError(error) ? `${error.status} ${error.code}` : String(error);
  }
  return "ok";
};

describe("lease rules", () => {
  it("a first claim takes token 1 and must be shown on GitHub", () => {
    const row = claimed();
    expect(row).toMatchObject({ agent_id: "infra", token: 1, lease_expires_at: T0 + LEASE });
    expect(row.version).toBeGreaterThan(row.shown_version);
  });

  it("a live claim refuses others; the holder renews with the same token", () => {
    const row = claimed();
    expect(grantClaim(row, 7, "dns", LEASE, T0 + 1000)).toEqual({ granted: false });
    const renewed = grantClaim(row, 7, "infra", LEASE, T0 + 1000);
    expect(renewed).toMatchObject({ granted: true, renewed: true, row: { token: 1 } });
  });

  it("after a release the next claim gets a new token and sees the hand-off", () => {
    const released = release(claimed(), "released", "halfway", T0 + 5000);
    expect(released).toMatchObject({
      agent_id: null,
      handoff_note: "halfway",
      handoff_by_agent_id: "infra",
    });
    const next = grantClaim(released, 7, "dns", LEASE, T0 + 6000);
    expect(next).toMatchObject({ granted: true, row: { token: 2, handoff_note: "halfway" } });
  });

  it("an expired, unswept lease already reads as released", () => {
    const row = claimed();
    expect(claimFields(row, T0 + LEASE + 1)).toMatchObject({
      claimed_by_agent_id: null,
      handoff_by_agent_id: "infra",
    });
  });

  it("heartbeats extend; only a state change alters what GitHub shows", () => {
    const row = { ...claimed(), shown_version: 1 };
    const beat = heartbeat(row, LEASE, {}, T0 + 10_000);
    expect(beat.lease_expires_at).toBe(T0 + 10_000 + LEASE);
    expect(beat.version).toBe(row.version);
    const stuck = heartbeat(row, LEASE, { state: "errored", detail: "disk full" }, T0 + 10_000);
    expect(stuck.version).toBe(row.version + 1);
  });

  it("writes under a claim: holder yes, others 409, stale tokens 409, admins override", () => {
    const row = claimed();
    const worker = { id: "dns", role: "worker" as const };
    expect(codeOf(() => writeVerdict(row, 7, worker, undefined, T0))).toBe("409 task_claimed");
    expect(writeVerdict(row, 7, { id: "infra", role: "worker" }, 1, T0).override).toBeNull();
    expect(codeOf(() => writeVerdict(row, 7, { id: "infra", role: "worker" }, 0, T0))).toBe(
      "409 stale_claim_token",
    );
    expect(writeVerdict(row, 7, { id: "boss", role: "admin" }, undefined, T0).override).toBe(row);
    // Expired: anyone may write again, but an old token stays stale.
    expect(writeVerdict(row, 7, worker, undefined, T0 + LEASE).override).toBeNull();
    expect(codeOf(() => requireHolder(row, 7, "infra", 1, T0 + LEASE))).toBe("409 claim_not_held");
  });

  it("leases outside the bounds are refused", () => {
    expect(leaseMs(undefined, DEFAULT_LEASE_BOUNDS)).toBe(300_000);
    expect(codeOf(() => leaseMs(10, DEFAULT_LEASE_BOUNDS))).toBe("422 validation_failed");
    expect(codeOf(() => leaseMs(3601, DEFAULT_LEASE_BOUNDS))).toBe("422 validation_failed");
  });
});
