import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";

/**
 * One deadline for all the GitHub calls of one API request (BATON_GITHUB_TIMEOUT_S, DESIGN §8).
 * A per-call deadline lets a request stack several: a wait in the write queue, a slow write, then
 * the lookup of the write whose answer was lost. With a budget taken at the request's start, every
 * call gets only what is left, so the answer comes at the deadline whatever the request does.
 *
 * The budget travels with the request's async calls (AsyncLocalStorage); the request policy
 * (github/request-policy.ts) reads it. Work outside a request (webhooks, catch-up, timers) has
 * none, and neither has work a request left running after it answered: each of their calls has
 * the deadline of its own.
 */
interface Budget {
  /** `performance.now()` when the time is up. */
  deadline: number;
  seconds: number;
  /** Shared with the budgets held back from it: false once the request has answered. */
  live: { open: boolean };
}

const current = new AsyncLocalStorage<Budget>();

/** Runs `work` under a budget of `seconds` that began at `startedAt` (`performance.now()`). */
export async function withRequestBudget<T>(
  seconds: number,
  startedAt: number,
  work: () => Promise<T>,
): Promise<T> {
  const live = { open: true };
  try {
    return await current.run({ deadline: startedAt + seconds * 1000, seconds, live }, work);
  } finally {
    live.open = false;
  }
}

function active(): Budget | undefined {
  const budget = current.getStore();
  return budget?.live.open ? budget : undefined;
}

/** Milliseconds left for this request's GitHub calls (≤ 0: none); undefined outside a request. */
export function budgetLeftMs(): number | undefined {
  const budget = active();
  return budget && budget.deadline - performance.now();
}

/** The whole budget of this request, in seconds; undefined outside a request. */
export function budgetSeconds(): number | undefined {
  return active()?.seconds;
}

/** True when this request's budget is used up (never outside a request). */
export function budgetSpent(): boolean {
  const left = budgetLeftMs();
  return left !== undefined && left <= 0;
}

/**
 * Runs `work` as if the deadline came `share` of the whole budget earlier, keeping that time for
 * what follows it (the nonce lookup of a write whose answer is lost). Outside a request: `work`.
 */
export function holdingBack<T>(share: number, work: () => Promise<T>): Promise<T> {
  const budget = active();
  if (!budget) return work();
  const held = { ...budget, deadline: budget.deadline - share * budget.seconds * 1000 };
  return current.run(held, work);
}
