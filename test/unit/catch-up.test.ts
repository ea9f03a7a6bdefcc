import { describe, expect, it } from "vitest";
import { CatchUp } from "../../src/events/catch-up.js";
import type { DeliverySummary } from "../../src/github/hook-deliveries.js";
import { SqliteCatchUpStore } from "../../src/store/catch-up-store.js";
import { openDatabase } from "../../src/store/database.js";

const failed = (id: number, at: string): DeliverySummary => ({
  id,
  guid: `guid-${id}`,
  delivered_at: at,
  redelivery: false,
  status_code: 0,
  event: "issues",
  action: "closed",
});

describe("catch-up passes", () => {
  it("a pass asked for again starts after the one in progress and sees what GitHub recorded meanwhile", async () => {
    const store = new SqliteCatchUpStore(openDatabase(":memory:"));
    store.setCursor("2026-12-07T09:59:00.000Z");
    // GitHub's record of failed deliveries: one from while Baton was down; the second fails
    // while the server is starting, after the first pass listed the record.
    const recorded = [failed(1, "2026-12-07T09:59:30Z")];
    let listed!: () => void;
    const firstListing = new Promise<void>((resolve) => (listed = resolve));
    let listings = 0;
    const received: string[] = [];
    const catchUp = new CatchUp({
      deliveries: {
        since: async () => {
          const snapshot = [...recorded];
          if (listings++ === 0) await firstListing;
          return snapshot;
        },
        webhook: async (id) => ({ id: `guid-${id}`, name: "issues", payload: {} }),
      },
      changes: { issuesSince: async () => [], commentsSince: async () => [] },
      store,
      receive: async (webhook) => void received.push(webhook.id),
      seen: () => undefined,
      changedBy: () => ({ login: "ghost", type: "User" }),
      envelope: {},
      log: () => undefined,
      now: () => new Date("2026-12-07T10:00:00.000Z"),
    });

    const atStart = catchUp.run();
    recorded.push(failed(2, "2026-12-07T10:00:01Z"));
    // Asking for a pass while one runs shares it (its listing is older than delivery 2)…
    const shared = catchUp.run();
    // …asking for one more waits for it, then lists again.
    const again = catchUp.runAgain();
    listed();
    expect(await shared).toBe(await atStart);
    expect((await atStart).replayed).toBe(1);
    expect((await again).replayed).toBe(1);
    expect(received).toEqual(["guid-1", "guid-2"]);
  });
});
