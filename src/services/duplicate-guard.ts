import { canRead, type Caller, type Ownership } from "../tasks/access.js";
import type { DedupMatch, DedupResult, DedupService } from "../dedup/index.js";
import { outsideChain } from "../dedup/chain.js";
import { errors } from "../errors.js";
import { KeyedMutex } from "../util/keyed-mutex.js";
import { localLock, type DistributedLock } from "../store/distributed-lock.js";
import { ownershipOf, type DecodedIssue } from "../tasks/issue-codec.js";

export interface DedupText {
  content: string;
  description?: string | null;
  projectSlug?: string | null;
  /** A delegation's parent: the tasks of its chain (same root) are never compared with it. */
  parentId?: number | null;
}

/**
 * Dedup before create (DESIGN §5): the check, the 409, and keeping the open-task index fresh from
 * Baton's own writes and from `issues` webhooks. Also remembers who owns each open task, so a
 * caller is only ever matched against tasks it may see.
 */
export class DuplicateGuard {
  readonly #owners = new Map<number, Ownership>();
  readonly #checks = new KeyedMutex();
  /** Creates that passed the check and wait for GitHub, by their (negative) id in the index. */
  readonly #pending = new Map<number, { done: Promise<void>; settle: () => void }>();
  #nextPendingId = -1;
  /** Each open task's chain root (itself for a root task). */
  readonly #roots = new Map<number, number>();
  #load: (() => Promise<IssueForIndex[]>) | undefined;
  /** The first sync, once it has succeeded or while it runs; unset after a failure. */
  #synced: Promise<void> | undefined;
  /** What writes and webhooks said while a sync read the open issues: newer than that list. */
  #seenDuringSync: Map<number, IssueForIndex | null> | undefined;

  constructor(
    private readonly dedup: DedupService,
    /** Replicas (PostgreSQL): a create's check and write hold this lock across all of them. */
    private readonly shared: DistributedLock = localLock,
  ) {}

  /**
   * Starts the first sync with the open issues. Checks wait for it, so a fresh start misses
   * nothing; if it fails (GitHub unreachable), the check fails with that error and the next
   * check tries again, rather than comparing against an index that knows no owners.
   */
  startSync(load: () => Promise<IssueForIndex[]>): void {
    this.#load = load;
    this.#ensureSynced().catch(() => undefined);
  }

  #ensureSynced(): Promise<void> {
    const load = this.#load;
    if (!load) return Promise.resolve();
    this.#synced ??= this.#sync(load).catch((error: unknown) => {
      this.#synced = undefined;
      throw error;
    });
    return this.#synced;
  }

  /** The index becomes exactly the open issues, as listed or as changed since (embedding only what is missing). */
  async #sync(load: () => Promise<IssueForIndex[]>): Promise<void> {
    const seen = new Map<number, IssueForIndex | null>();
    this.#seenDuringSync = seen;
    try {
      const open = new Map((await load()).map((issue) => [issue.number, issue]));
      for (const [number, issue] of seen) {
        if (issue && !issue.decoded.closed) open.set(number, issue);
        else open.delete(number);
      }
      this.#owners.clear();
      this.#roots.clear();
      for (const issue of open.values()) this.#remember(issue);
      await this.dedup.syncOpenTasks(
        [...open.values()].filter((issue) => !issue.decoded.closed).map(toDocument),
      );
    } finally {
      this.#seenDuringSync = undefined;
    }
  }

  /** Answers `POST /tasks/dedup` (pending creates are not tasks yet: never in the answer). */
  async check(caller: Caller, text: DedupText, threshold?: number): Promise<DedupResult> {
    const found = await this.#check(caller, text, threshold);
    const matches = found.matches.filter((m) => m.task_id > 0);
    return { ...found, has_duplicates: matches.length > 0, matches };
  }

  async #check(caller: Caller, text: DedupText, threshold?: number): Promise<DedupResult> {
    await this.#ensureSynced();
    // A delegated child resembles its parent and siblings by nature: its chain is never compared.
    const comparable = outsideChain(text.parentId, (id) => this.#roots.get(id));
    return this.dedup.check(
      {
        content: text.content,
        description: text.description ?? "",
        projectId: text.projectSlug ?? null,
      },
      {
        threshold,
        visible: (id) => this.#visible(caller, id) && comparable(id),
      },
    );
  }

  /**
   * Runs `write` unless an open task the caller may see is surely the same work (`409
   * duplicate_task` naming it; `skip` creates anyway); `write` gets the possible duplicates to
   * name on the issue and in the answer. Only the check is done one at a time: a create that
   * passed it is entered in the index as pending (a negative id) while GitHub creates its issue,
   * so a concurrent create of the same text waits for that one (then meets it as a duplicate) and
   * any other create goes ahead, however slow GitHub is. Within one process; with replicas
   * (PostgreSQL) another replica's pending create is not in this index, so there the check and
   * the write are one step under a database lock (creates are spaced by the shared write budget
   * anyway).
   */
  async createUnique<T>(
    caller: Caller,
    text: DedupText,
    options: { skip: boolean },
    write: (possible: DedupMatch[]) => Promise<{ result: T; issue: IssueForIndex }>,
  ): Promise<T> {
    if (this.shared === localLock) return this.#createUnique(caller, text, options, write);
    return this.#checks.run("replicas", () =>
      this.shared.run("dedup", () => this.#createUnique(caller, text, options, write)),
    );
  }

  async #createUnique<T>(
    caller: Caller,
    text: DedupText,
    options: { skip: boolean },
    write: (possible: DedupMatch[]) => Promise<{ result: T; issue: IssueForIndex }>,
  ): Promise<T> {
    for (;;) {
      const admitted = await this.#checks.run("check", () => this.#admit(caller, text, options));
      if ("waitFor" in admitted) {
        await admitted.waitFor;
        continue;
      }
      try {
        const { result, issue } = await write(admitted.possible);
        await this.index(issue);
        return result;
      } finally {
        this.dedup.remove(admitted.pendingId);
        this.#pending.get(admitted.pendingId)?.settle();
        this.#pending.delete(admitted.pendingId);
      }
    }
  }

  async #admit(
    caller: Caller,
    text: DedupText,
    options: { skip: boolean },
  ): Promise<{ waitFor: Promise<void> } | { pendingId: number; possible: DedupMatch[] }> {
    let possible: DedupMatch[] = [];
    if (!options.skip) {
      const found = await this.#check(caller, text);
      assertNone(found.matches.filter((m) => m.task_id > 0));
      const pending = found.matches.map((m) => this.#pending.get(m.task_id)).find(Boolean);
      if (pending) return { waitFor: pending.done };
      possible = found.possible_duplicates.filter((m) => m.task_id > 0);
    } else {
      await this.#ensureSynced();
    }
    const pendingId = this.#nextPendingId--;
    let settle = () => {};
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.#pending.set(pendingId, { done, settle });
    await this.dedup.upsert({
      taskId: pendingId,
      url: "",
      content: text.content,
      description: text.description ?? "",
      projectId: text.projectSlug ?? null,
    });
    return { pendingId, possible };
  }

  /** An issue's current state (from a write or a webhook): index it if open, drop it if not. */
  async index(issue: IssueForIndex): Promise<void> {
    this.#seenDuringSync?.set(issue.number, issue);
    if (issue.decoded.closed) {
      this.remove(issue.number);
      return;
    }
    this.#remember(issue);
    await this.dedup.upsert(toDocument(issue));
  }

  remove(number: number): void {
    this.#seenDuringSync?.set(number, null);
    this.#owners.delete(number);
    this.#roots.delete(number);
    this.dedup.remove(number);
  }

  #remember(issue: IssueForIndex): void {
    this.#owners.set(issue.number, ownershipOf(issue.decoded));
    this.#roots.set(issue.number, issue.decoded.meta.root ?? issue.number);
  }

  #visible(caller: Caller, id: number): boolean {
    // A pending create is only ever waited for, never shown.
    if (id < 0) return this.#pending.has(id);
    const owner = this.#owners.get(id);
    return owner !== undefined && canRead(caller, owner);
  }
}

/** `409 duplicate_task` naming the first open task that says the same, if any. */
function assertNone(matches: DedupResult["matches"]): void {
  const sure = matches[0];
  if (!sure) return;
  throw errors.conflict(
    "duplicate_task",
    `Task #${sure.task_id} is the same work: "${sure.content}" (${sure.url}). Work on #${sure.task_id}, or send "allow_duplicate": true (or X-Dedup-Check: false) to create it anyway`,
    { matches, existing_task_id: sure.task_id },
  );
}

export interface IssueForIndex {
  number: number;
  url: string;
  decoded: DecodedIssue;
}

const toDocument = (issue: IssueForIndex) => ({
  taskId: issue.number,
  url: issue.url,
  content: issue.decoded.content,
  description: issue.decoded.description ?? "",
  projectId: issue.decoded.projectSlug,
});
