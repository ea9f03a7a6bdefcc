import { createHash, randomUUID } from "node:crypto";
import { BatonError, errors, isBatonError } from "./errors.js";
import { budgetSpent, holdingBack } from "./util/request-budget.js";

/**
 * Idempotency, in one place (DESIGN §7, §8): `Idempotency-Key` records, the nonce every create,
 * delegation and comment writes into GitHub, and the rule for a write whose answer was lost.
 *
 * A write whose answer is lost (a 5xx, a cut connection, a crash) is *in doubt*, not failed:
 * GitHub may have made it. Its record is kept as in doubt, and the retry (same key) first looks
 * for the write's nonce on GitHub; only when that lookup succeeds and finds nothing is the write
 * made again. A lookup that fails leaves it in doubt (503): never a second write on a guess.
 *
 * Within an API request's deadline (util/request-budget.ts) a write leaves part of the time to the
 * lookup that may follow it; once the deadline has passed, the answer is GitHub's timeout (503), and
 * the write stays in doubt all the same.
 */

/** What a write needs to be made at most once. */
export interface WriteIntent {
  /** Written into the issue or comment; the same for every retry with one key. */
  nonce: string;
  /** When an earlier attempt began, if it may have written: look before writing again. */
  inDoubtSince: string | null;
}

/** The nonce for an agent's `Idempotency-Key`. */
export function nonceFor(agentId: string, key: string): string {
  return createHash("sha256").update(`${agentId}\u0000${key}`).digest("hex").slice(0, 32);
}

/** A write without a key: its own nonce, so a lost answer can still be resolved at once. */
export const freshIntent = (): WriteIntent => ({ nonce: randomUUID(), inDoubtSince: null });

/** Clocks differ: look a little before the attempt began. */
const LOOKBACK_MS = 60_000;
const lookFrom = (iso: string) => new Date(Date.parse(iso) - LOOKBACK_MS).toISOString();

/**
 * True when the write may have happened: GitHub failed (5xx), was unreachable, timed out, or
 * something unexpected broke. Rate limits and client errors are answered before any write.
 */
export function isInDoubt(error: unknown): boolean {
  if (!isBatonError(error)) return true;
  return error.status >= 500 && error.code !== "github_rate_limited";
}

/** The part of a request's deadline a write leaves to the lookup after a lost answer. */
const LOOKUP_SHARE = 0.25;

const inDoubtError = (cause: unknown) =>
  new BatonError({
    status: 503,
    code: "github_write_in_doubt",
    message:
      "GitHub did not confirm the change and it could not be checked yet; retry with the same Idempotency-Key",
    retryAfter: 5,
    cause,
  });

/**
 * A lookup for a write in doubt failed: 503 `github_write_in_doubt`, or, when the request's
 * deadline has passed meanwhile, the timeout itself (what the lookup failed with).
 */
const lookupFailed = (lookupError: unknown, cause: unknown) =>
  budgetSpent() ? lookupError : inDoubtError(cause);

/**
 * What an earlier attempt in doubt made, if anything (null when not in doubt). Throws 503
 * `github_write_in_doubt` when GitHub cannot be checked: never a second write on a guess.
 */
export async function findInDoubt<T>(
  intent: WriteIntent,
  find: (since: string) => Promise<T | null>,
): Promise<T | null> {
  if (!intent.inDoubtSince) return null;
  return find(lookFrom(intent.inDoubtSince)).catch((error: unknown) => {
    throw lookupFailed(error, error);
  });
}

/**
 * Makes a write at most once: an attempt in doubt is looked for first (`find` by nonce, from
 * when it began); a write whose answer is lost now is looked for at once. If the lookup fails the
 * caller gets 503 `github_write_in_doubt`; if it finds nothing, GitHub's own error. Either way a
 * keyed retry looks again before writing.
 */
export async function writeOnce<T>(
  intent: WriteIntent,
  write: () => Promise<T>,
  find: (since: string) => Promise<T | null>,
  now: () => Date = () => new Date(),
): Promise<T> {
  const earlier = await findInDoubt(intent, find);
  if (earlier) return earlier;
  const began = now().toISOString();
  try {
    return await holdingBack(LOOKUP_SHARE, write);
  } catch (error) {
    if (!isInDoubt(error)) throw error;
    let found: T | null;
    try {
      found = await find(lookFrom(began));
    } catch (lookupError) {
      throw lookupFailed(lookupError, error);
    }
    if (found) return found;
    // Not there now; GitHub's own error stands, and a keyed retry still looks again first.
    throw error;
  }
}

export type Begin =
  | { kind: "new" }
  /** An earlier attempt's outcome is unknown (interrupted, or GitHub's answer lost) since `since`. */
  | { kind: "in_doubt"; since: string }
  | { kind: "in_flight" }
  | { kind: "mismatch" }
  | { kind: "replay"; status: number; body: unknown };

/**
 * Records of `Idempotency-Key` requests, per agent, so a retry returns the first answer (kept
 * by src/store/idempotency-store.ts).
 */
export interface IdempotencyStore {
  begin(agentId: string, key: string, fingerprint: string): Begin;
  finish(agentId: string, key: string, status: number, body: unknown): void;
  /** Nothing was written: the key is free again. */
  forget(agentId: string, key: string): void;
  /** The outcome is unknown: keep the record, in doubt, for the retry to resolve. */
  release(agentId: string, key: string): void;
  purgeOlderThan(iso: string): void;
}

/** The outcome of a request handled under an `Idempotency-Key`. */
export type KeyedOutcome =
  | { kind: "replay"; status: number; body: unknown }
  | { kind: "answer"; status: number; body: unknown; headers?: Record<string, string> };

/**
 * Runs a request under its `Idempotency-Key`: a repeat of a finished request replays its answer;
 * a different request with the same key is refused; a repeat of one still running is refused
 * (409); a repeat of one whose outcome is unknown runs again in doubt (see `writeOnce`).
 * Client errors are final and replayed; a failure that may have left a write behind keeps the
 * record in doubt; a rate limit (nothing written) forgets it.
 */
export async function runKeyed(
  store: IdempotencyStore,
  request: { agentId: string; key: string; fingerprint: string },
  handler: (intent: WriteIntent) => Promise<{
    status: number;
    body: unknown;
    headers?: Record<string, string>;
  }>,
  errorStatus: (error: unknown) => { status: number; body: unknown },
): Promise<KeyedOutcome> {
  const { agentId, key } = request;
  const begun = store.begin(agentId, key, request.fingerprint);
  switch (begun.kind) {
    case "replay":
      return begun;
    case "mismatch":
      throw errors.unprocessable(
        "idempotency_key_reused",
        "This Idempotency-Key was used with a different request",
      );
    case "in_flight":
      throw new BatonError({
        status: 409,
        code: "idempotency_in_progress",
        message: "A request with this Idempotency-Key is still running",
        retryAfter: 1,
      });
  }
  const intent: WriteIntent = {
    nonce: nonceFor(agentId, key),
    inDoubtSince: begun.kind === "in_doubt" ? begun.since : null,
  };
  try {
    const result = await handler(intent);
    store.finish(agentId, key, result.status, result.body);
    return { kind: "answer", ...result };
  } catch (error) {
    const answer = errorStatus(error);
    if (answer.status < 500 && answer.status !== 429)
      store.finish(agentId, key, answer.status, answer.body);
    else if (isInDoubt(error)) store.release(agentId, key);
    else store.forget(agentId, key);
    throw error;
  }
}

/** `Idempotency-Key`: 1–255 characters. */
export function checkIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > 255)
    throw errors.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1–255 characters");
  return value;
}

/** What makes two requests "the same": method, path (either prefix) and body. */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method} ${path.replace(/^\/(v1|api)/, "")}\n${JSON.stringify(body ?? null)}`)
    .digest("hex");
}
