import { canRead, type Caller, type Ownership } from "../tasks/access.js";
import type { DedupMatch, DedupResult, DedupService } from "../dedup/index.js";
import { errors } from "../errors.js";
import { KeyedMutex } from "../util/keyed-mutex.js";
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
  /** Each open task's chain root (itself for a root task). */
  readonly #roots = new Map<number, number>();
  readonly #creates = new KeyedMutex();
  #load: (() => Promise<IssueForIndex[]>) | undefined;
  /** The first sync, once it has succeeded or while it runs; unset after a failure. */
  #synced: Promise<void> | undefined;
  /** What writes and webhooks said while a sync read the open issues: newer than that list. */
  #seenDuringSync: Map<number, IssueForIndex | null> | undefined;

  constructor(private readonly dedup: DedupService) {}

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

  /** Answers `POST /tasks/dedup`. */
  async check(caller: Caller, text: DedupText, threshold?: number): Promise<DedupResult> {
    await this.#ensureSynced();
    // A delegated child resembles its parent and siblings by nature: its chain is never compared.
    const chain = text.parentId != null ? (this.#roots.get(text.parentId) ?? text.parentId) : null;
    return this.dedup.check(
      {
        content: text.content,
        description: text.description ?? "",
        projectId: text.projectSlug ?? null,
      },
      {
        threshold,
        visible: (id) =>
          this.#visible(caller, id) && (chain === null || this.#roots.get(id) !== chain),
      },
    );
  }

  /**
   * Throws `409 duplicate_task` naming the existing task when an open task the caller may see is
   * surely the same work; otherwise answers the possible duplicates (to name on the issue and in
   * the answer). A create calls it inside `exclusive`, then writes and `index`es, so two creates
   * of one text cannot both pass.
   */
  async assertUnique(caller: Caller, text: DedupText): Promise<DedupMatch[]> {
    const found = await this.check(caller, text);
    const sure = found.matches[0];
    if (!sure) return found.possible_duplicates;
    throw errors.conflict(
      "duplicate_task",
      `Task #${sure.task_id} is the same work: "${sure.content}" (${sure.url}). Work on #${sure.task_id}, or send "allow_duplicate": true (or X-Dedup-Check: false) to create it anyway`,
      { matches: found.matches, existing_task_id: sure.task_id },
    );
  }

  /**
   * One create at a time (check → create issue → index). Within one process; replicas would
   * need a lock in the database.
   */
  exclusive<T>(create: () => Promise<T>): Promise<T> {
    return this.#creates.run("create", create);
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
    const owner = this.#owners.get(id);
    return owner !== undefined && canRead(caller, owner);
  }
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
