import { describe, expect, it } from "vitest";
import { errors } from "../../src/errors.js";
import { writeOnce, type WriteIntent } from "../../src/idempotency.js";
import { withRequestBudget } from "../../src/util/request-budget.js";

const gone = errors.unavailable("github_unavailable", "GitHub answered 502", 5);
const refused = errors.unprocessable("github_validation_failed", "no");

/** Records what writeOnce did, in order. */
function harness(write: () => Promise<string>, find: (since: string) => Promise<string | null>) {
  const calls: string[] = [];
  return {
    calls,
    write: async () => {
      calls.push("write");
      return write();
    },
    find: async (since: string) => {
      calls.push(`find since ${since}`);
      return find(since);
    },
  };
}

const now = () => new Date("2026-12-07T10:00:00.000Z");
const fresh: WriteIntent = { nonce: "n1", inDoubtSince: null };
const inDoubt: WriteIntent = { nonce: "n1", inDoubtSince: "2026-12-07T09:00:00.000Z" };

describe("writeOnce", () => {
  it("in doubt and found: the earlier write is the answer, nothing is written", async () => {
    const h = harness(
      async () => "new",
      async () => "earlier",
    );
    expect(await writeOnce(inDoubt, h.write, h.find, now)).toBe("earlier");
    expect(h.calls).toEqual(["find since 2026-12-07T08:59:00.000Z"]);
  });

  it("in doubt and GitHub cannot be checked: 503 github_write_in_doubt, nothing is written", async () => {
    const h = harness(
      async () => "new",
      async () => {
        throw gone;
      },
    );
    await expect(writeOnce(inDoubt, h.write, h.find, now)).rejects.toMatchObject({
      status: 503,
      code: "github_write_in_doubt",
    });
    expect(h.calls).toEqual(["find since 2026-12-07T08:59:00.000Z"]);
  });

  it("in doubt and not there: written once", async () => {
    const h = harness(
      async () => "new",
      async () => null,
    );
    expect(await writeOnce(inDoubt, h.write, h.find, now)).toBe("new");
    expect(h.calls).toEqual(["find since 2026-12-07T08:59:00.000Z", "write"]);
  });

  it("a lost answer is looked for at once; found, it is the answer", async () => {
    const h = harness(
      async () => {
        throw gone;
      },
      async () => "made",
    );
    expect(await writeOnce(fresh, h.write, h.find, now)).toBe("made");
    expect(h.calls).toEqual(["write", "find since 2026-12-07T09:59:00.000Z"]);
  });

  it("a lost answer not found: GitHub's error; a refusal is final and not looked for", async () => {
    const lost = harness(
      async () => {
        throw gone;
      },
      async () => null,
    );
    await expect(writeOnce(fresh, lost.write, lost.find, now)).rejects.toBe(gone);
    const no = harness(
      async () => {
        throw refused;
      },
      async () => "never",
    );
    await expect(writeOnce(fresh, no.write, no.find, now)).rejects.toBe(refused);
    expect(no.calls).toEqual(["write"]);
  });

  it("past the request's deadline, a lookup that fails answers the timeout; the write stays in doubt", async () => {
    const timedOut = errors.unavailable("github_unavailable", "GitHub answered 504", 5);
    const h = harness(
      async () => {
        throw gone;
      },
      async () => {
        throw timedOut;
      },
    );
    // A request that arrived 5 s ago with a 3 s budget: its time is up when the lookup fails.
    const spent = () =>
      withRequestBudget(3, performance.now() - 5000, () => writeOnce(fresh, h.write, h.find, now));
    await expect(spent()).rejects.toBe(timedOut);
    expect(h.calls).toEqual(["write", "find since 2026-12-07T09:59:00.000Z"]);
    // With time left, the same failure is the in-doubt answer (retry with the same key).
    await expect(
      withRequestBudget(60, performance.now(), () => writeOnce(fresh, h.write, h.find, now)),
    ).rejects.toMatchObject({ status: 503, code: "github_write_in_doubt" });
  });
});
