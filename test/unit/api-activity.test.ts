import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { ApiActivity } from "../../src/util/api-activity.js";

const settled = async (promise: Promise<void>) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe("ApiActivity: webhooks let API requests go first", () => {
  it("with no request in flight, work goes on at once", async () => {
    const activity = new ApiActivity({ maxWaitMs: 60_000 });
    expect(await settled(activity.quiet())).toBe(true);
  });

  it("waits for the last request in flight to end, finished or its connection closed", async () => {
    const activity = new ApiActivity({ maxWaitMs: 60_000 });
    const first = new EventEmitter();
    const second = new EventEmitter();
    activity.track(first);
    activity.track(second);
    const quiet = activity.quiet();
    first.emit("close");
    expect(await settled(quiet)).toBe(false);
    second.emit("close");
    expect(await settled(quiet)).toBe(true);
    expect(await settled(activity.quiet())).toBe(true);
  });

  it("never waits longer than maxWaitMs, so a steady stream of requests cannot starve webhooks", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const activity = new ApiActivity({ maxWaitMs: 20 });
      activity.track(new EventEmitter()); // a request that never ends
      const quiet = activity.quiet();
      vi.advanceTimersByTime(19);
      expect(await settled(quiet)).toBe(false);
      vi.advanceTimersByTime(1);
      expect(await settled(quiet)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
