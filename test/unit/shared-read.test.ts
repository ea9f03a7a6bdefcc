import { describe, expect, it } from "vitest";
import { sharedRead } from "../../src/util/shared-read.js";

describe("sharedRead", () => {
  it("gives every caller the one read while it runs and a while after, and a failure to no one later", async () => {
    let reads = 0;
    let fail = true;
    const read = sharedRead(async () => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new Error("GitHub is down");
      return reads;
    }, 20);
    await expect(Promise.all([read(), read()])).rejects.toThrow("GitHub is down");
    expect(reads).toBe(1);
    fail = false;
    expect(await Promise.all([read(), read()])).toEqual([2, 2]);
    expect(await read()).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await read()).toBe(3);
  });
});
