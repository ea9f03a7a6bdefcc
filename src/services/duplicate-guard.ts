import { canRead, type Caller, type Ownership } from "../tasks/access.js";
import type { DedupMatch, DedupResult, DedupService } from "../dedup/index.js";
import { outsideChain } from "../dedup/chain.js";
import { errors } from "../errors.js";
import { KeyedMutex } from "../util/keyed-mutex.js";
import { localLock, type DistributedLock } from "../store/distributed-lock.js";
import { ownershipOf, type DecodedIssue } from "../tasks/issue-codec.js";
import type { TaskIndex } from "../store/task-index-store.js";
import type { Task } from "../tasks/task-schema.js";

/**
 * Changes read from the shared task index in one query; a backlog takes several. Small: each row
 * is a parsed task this index keeps only a few words of (5,000 at once ran a 10,000-task server
 * out of its 80 MB heap).
 */
const CHANGES_PER_READ = 250;

export interface DedupText {
  content: string;
  description?: string | null;
  projectSlug?: string | null;
  /** A delegation's parent: the tasks of its chain (same root) are never compared with it. */
  parentId?: number | null;
}

/**
 * Dedup before create (DESIGN §5): the check, the 409, and keeping the open-task index fresh from
 * Baton's own writes, from `issues` webhooks and, with replicas, from the shared task index's
 * changes (what the other replicas wrote or heard). Also remembers who owns each open task, so a
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
  #seenDuringSync: Map<number, IndexEntry | null> | undefined;
  /** The last change of the shared task index this index has taken in. */
  #seq = 0;

  constructor(
    private readonly dedup: DedupService,
    /** Replicas (PostgreSQL): a create's check and write hold this lock across all of them. */
    private readonly shared: DistributedLock = localLock,
    /**
     * The task index every replica writes (issue #20's mirror rows): each check first takes in
     * its changes since the last one, so a task another replica created, edited or closed a
     * moment ago counts here too. Without it, only this process's writes and webhooks do.
     */
    private readonly changes?: Pick<TaskIndex, "changedSince" | "lastSeq">,
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
    const seen = new Map<number, IndexEntry | null>();
    this.#seenDuringSync = seen;
    // GitHub's list is the start; the shared index's changes from now on are taken in after it.
    const from = this.changes?.lastSeq() ?? 0;
    try {
      const listed = (await load()).map(fromIssue);
      const open = new Map(listed.map((entry) => [entry.number, entry]));
      for (const [number, entry] of seen) {
        if (entry && !entry.closed) open.set(number, entry);
        else open.delete(number);
      }
      this.#owners.clear();
      this.#roots.clear();
      for (const entry of open.values()) this.#remember(entry);
      await this.dedup.syncOpenTasks(
        [...open.values()].filter((entry) => !entry.closed).map(toDocument),
      );
      this.#seq = Math.max(this.#seq, from);
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
    await this.#checks.run("catch-up", () => this.#catchUp());
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
    options: { skip: boolean; later?: (work: () => Promise<void>) => void },
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
    options: { skip: boolean; later?: (work: () => Promise<void>) => void },
    write: (possible: DedupMatch[]) => Promise<{ result: T; issue: IssueForIndex }>,
  ): Promise<T> {
    for (;;) {
      const admitted = await this.#checks.run("check", () => this.#admit(caller, text, options));
      if ("waitFor" in admitted) {
        await admitted.waitFor;
        continue;
      }
      const { pendingId } = admitted;
      let written: { result: T; issue: IssueForIndex };
      try {
        written = await write(admitted.possible);
      } catch (error) {
        this.#release(pendingId);
        throw error;
      }
      // The task replaces its pending entry; until then a create of the same text waits for it.
      const settle = () => this.index(written.issue).finally(() => this.#release(pendingId));
      if (!options.later) await settle();
      else options.later(settle);
      return written.result;
    }
  }

  #release(pendingId: number): void {
    this.dedup.remove(pendingId);
    this.#pending.get(pendingId)?.settle();
    this.#pending.delete(pendingId);
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

  /**
   * Takes in the shared task index's changes since the last look (one indexed query, usually
   * empty). This process's own writes come back here too: indexing a task again with the same
   * text changes nothing (DedupService.upsert), and a pending create keeps its negative id, so
   * nothing counts twice.
   */
  async #catchUp(): Promise<void> {
    const feed = this.changes;
    if (!feed) return;
    for (;;) {
      const changes = feed.changedSince(this.#seq, CHANGES_PER_READ);
      for (const change of changes) {
        this.#seq = change.seq;
        if (change.task && !change.task.completed) await this.#index(fromTask(change.task));
        // Only what this index holds: a closed task's first sight here needs no store write.
        else if (this.#owners.has(change.taskId)) this.remove(change.taskId);
      }
      if (changes.length < CHANGES_PER_READ) return;
    }
  }

  /** An issue's current state (from a write or a webhook): index it if open, drop it if not. */
  index(issue: IssueForIndex): Promise<void> {
    return this.#index(fromIssue(issue));
  }

  async #index(entry: IndexEntry): Promise<void> {
    this.#seenDuringSync?.set(entry.number, entry);
    if (entry.closed) {
      this.remove(entry.number);
      return;
    }
    this.#remember(entry);
    await this.dedup.upsert(toDocument(entry));
  }

  remove(number: number): void {
    this.#seenDuringSync?.set(number, null);
    this.#owners.delete(number);
    this.#roots.delete(number);
    this.dedup.remove(number);
  }

  #remember(entry: IndexEntry): void {
    this.#owners.set(entry.number, entry.owner);
    this.#roots.set(entry.number, entry.root);
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
  /** Its project's id (the project label's), when known. */
  projectId?: number | null;
}

/** What the guard keeps of a task, read from its issue or from the shared task index. */
interface IndexEntry {
  number: number;
  url: string;
  content: string;
  description: string | null;
  projectSlug: string | null;
  closed: boolean;
  owner: Ownership;
  /** Its chain's root (itself for a root task). */
  root: number;
}

const fromIssue = ({ number, url, decoded, projectId }: IssueForIndex): IndexEntry => ({
  number,
  url,
  content: decoded.content,
  description: decoded.description,
  projectSlug: decoded.projectSlug,
  closed: decoded.closed,
  owner: { ...ownershipOf(decoded), project_id: projectId ?? null },
  root: decoded.meta.root ?? number,
});

/** The same fields as the task's issue gives them (task-view.ts), so both sources agree. */
const fromTask = (task: Task): IndexEntry => ({
  number: task.id,
  url: task.url,
  content: task.content,
  description: task.description,
  projectSlug: task.project?.slug ?? null,
  closed: task.completed,
  owner: {
    created_by_agent_id: task.created_by_agent_id,
    assigned_to_agent_id: task.assigned_to_agent_id,
    completed: task.completed,
    project_id: task.project_id,
  },
  root: task.root_task_id,
});

const toDocument = (entry: IndexEntry) => ({
  taskId: entry.number,
  url: entry.url,
  content: entry.content,
  description: entry.description ?? "",
  projectId: entry.projectSlug,
});
