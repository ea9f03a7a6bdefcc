import { canRead, type Caller, type Ownership } from "../agents/access.js";
import type { DedupResult, DedupService } from "../dedup/index.js";
import { errors } from "../errors.js";
import { KeyedMutex } from "../util/keyed-mutex.js";
import { ownershipOf, type DecodedIssue } from "./issue-codec.js";

export interface DedupText {
  content: string;
  description?: string | null;
  projectSlug?: string | null;
}

/**
 * Dedup before create (DESIGN §5): the check, the 409, and keeping the open-task index fresh from
 * Baton's own writes and from `issues` webhooks. Also remembers who owns each open task, so a
 * caller is only ever matched against tasks it may see.
 */
export class DuplicateGuard {
  readonly #owners = new Map<number, Ownership>();
  readonly #creates = new KeyedMutex();
  #load: (() => Promise<IssueForIndex[]>) | undefined;
  #synced = false;
  #syncing: Promise<void> | undefined;

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
    if (this.#synced || !load) return Promise.resolve();
    this.#syncing ??= (async () => {
      try {
        await this.sync(await load());
        this.#synced = true;
      } finally {
        this.#syncing = undefined;
      }
    })();
    return this.#syncing;
  }

  /** Answers `POST /tasks/dedup`. */
  async check(caller: Caller, text: DedupText, threshold?: number): Promise<DedupResult> {
    await this.#ensureSynced();
    return this.dedup.check(
      {
        content: text.content,
        description: text.description ?? "",
        projectId: text.projectSlug ?? null,
      },
      { threshold, visible: (id) => this.#visible(caller, id) },
    );
  }

  /**
   * Runs `create` unless an open task the caller may see says the same; one at a time, so two
   * concurrent creates of the same text cannot both pass.
   */
  async guard<T extends { id: number }>(
    caller: Caller,
    text: DedupText,
    options: { skip: boolean },
    create: () => Promise<{ result: T; issue: IssueForIndex }>,
  ): Promise<T> {
    // One create at a time (check → create issue → index): two concurrent creates of one text
    // cannot both pass. Within one process; replicas would need a lock in the database.
    return this.#creates.run("create", async () => {
      if (!options.skip) {
        const found = await this.check(caller, text);
        if (found.has_duplicates) {
          throw errors.conflict(
            "duplicate_task",
            `An open task already says this: #${found.matches[0]!.task_id} "${found.matches[0]!.content}". Send "allow_duplicate": true (or X-Dedup-Check: false) to create it anyway`,
            { matches: found.matches },
          );
        }
      }
      const { result, issue } = await create();
      await this.index(issue);
      return result;
    });
  }

  /** An issue's current state (from a write or a webhook): index it if open, drop it if not. */
  async index(issue: IssueForIndex): Promise<void> {
    if (issue.decoded.closed) {
      this.remove(issue.number);
      return;
    }
    this.#owners.set(issue.number, ownershipOf(issue.decoded));
    await this.dedup.upsert(toDocument(issue));
  }

  remove(number: number): void {
    this.#owners.delete(number);
    this.dedup.remove(number);
  }

  /** At start: the index becomes exactly the open issues (embedding only what is missing). */
  async sync(open: IssueForIndex[]): Promise<void> {
    this.#owners.clear();
    for (const issue of open) this.#owners.set(issue.number, ownershipOf(issue.decoded));
    await this.dedup.syncOpenTasks(open.filter((i) => !i.decoded.closed).map(toDocument));
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
