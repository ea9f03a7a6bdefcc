import { BatonError } from "../errors.js";
import type { DedupStore } from "../store/dedup-store.js";
import type { DedupOptions, OpenAISettings } from "./config.js";
import { contentHash } from "./content-hash.js";
import { leveledMatches, type ScoredMatch } from "./best-matches.js";
import { levelFloor } from "./levels.js";
import { methodLevels } from "./method-levels.js";
import type { Embedder } from "./embedders/embedder.js";
import { applyVerdicts, type DedupJudge } from "./judge/judge.js";
import { resolveMethod } from "./methods.js";
import { Scorer, type PreparedQuery } from "./scorer.js";

export interface DedupDocument {
  taskId: number;
  url: string;
  content: string;
  description: string;
  projectId: string | null;
}
export interface DedupMatch {
  task_id: number;
  url: string;
  content: string;
  score: number;
}
/**
 * `matches`: sure duplicates (a create is refused), best first, at most 5. `possible_duplicates`:
 * similar open tasks that may be the same work (a create goes on), best first, at most 5.
 */
export interface DedupResult {
  has_duplicates: boolean;
  matches: DedupMatch[];
  possible_duplicates: DedupMatch[];
}
export interface DedupQuery {
  content: string;
  description?: string;
  /** With scope "project", only open tasks of this project (null = tasks without one) are compared. */
  projectId?: string | null;
}
export interface CheckOptions {
  /** The blocking level (a match at or over it, with no sign of different work, is a duplicate). */
  threshold?: number;
  /** Only tasks the caller may see can match. */
  visible?: (taskId: number) => boolean;
}
export type DedupServiceOptions = DedupOptions & {
  /** Where the index is mirrored; the wiring (src/create-services.ts) chooses it. */
  store: DedupStore;
  openai?: OpenAISettings;
  /** Replaces the method's embedder (tests, or a pre-loaded model). */
  embedder?: Embedder;
};

const MAX_MATCHES = 5;
const RETRY_AFTER_SECONDS = 30;

/**
 * The duplicate-task check over the open tasks. The index lives in memory, mirrored in the store
 * (tasks and per-model vectors keyed by content hash), so a check never lists the repository nor
 * re-embeds old tasks: only the new task is embedded (and nothing is, for lexical methods).
 */
export class DedupService {
  readonly method: string;
  /** The blocking level; the flag level ("possible") is calibrated with it. */
  readonly threshold: number;
  private readonly documents = new Map<number, DedupDocument & { hash: string }>();

  private readonly queryVectors = new Map<string, Float32Array>();
  private embedding: Promise<void> | undefined;
  /** Tasks (`id:content hash`) being embedded now, so a check does not embed one twice. */
  private readonly inFlight = new Map<string, Promise<void>>();

  private constructor(
    private readonly scorer: Scorer,
    private readonly store: DedupStore,
    private readonly options: DedupOptions,
    private readonly judge: DedupJudge | undefined,
  ) {
    this.method = scorer.spec.name;
    this.threshold = methodLevels(scorer.spec, options.threshold).block;
  }

  static async create(options: DedupServiceOptions): Promise<DedupService> {
    const spec = resolveMethod(options.method);
    let embedder = options.embedder;
    if (!embedder && spec.dense === "local") {
      const { createLocalEmbedder } = await import("./embedders/local-embedder.js");
      embedder = await createLocalEmbedder();
    } else if (!embedder && spec.dense === "openai") {
      const { createOpenAIEmbedder } = await import("./embedders/openai-embedder.js");
      embedder = createOpenAIEmbedder(options.openai ?? {});
    }
    let judge: DedupJudge | undefined;
    if (options.judge) {
      const { createOpenAIJudge } = await import("./judge/openai-judge.js");
      judge = createOpenAIJudge(options.judge);
    }
    const service = new DedupService(
      new Scorer(spec, spec.dense ? embedder : undefined),
      options.store,
      options,
      judge,
    );
    service.load();
    return service;
  }

  /**
   * Open tasks similar to `query`, best first. The embedder is only asked when a lexical score
   * leaves the answer open; if it fails then, the error policy applies ("fail": 503
   * `dedup_unavailable` with Retry-After).
   */
  async check(query: DedupQuery, options: CheckOptions = {}): Promise<DedupResult> {
    const thresholds = methodLevels(this.scorer.spec, options.threshold ?? this.options.threshold);
    const threshold = levelFloor(thresholds);
    const text = { content: query.content, description: query.description ?? "" };
    const sameProject = this.options.scope === "project" && query.projectId !== undefined;
    const accept = (id: number): boolean => {
      const document = this.documents.get(id);
      if (!document) return false;
      if (sameProject && document.projectId !== query.projectId) return false;
      return options.visible ? options.visible(id) : true;
    };
    const prepared: PreparedQuery = { text, lexical: this.scorer.prepareLexical(text) };
    const candidates = this.scorer.denseCandidates(prepared, accept, threshold);
    if (candidates === undefined || candidates.length > 0) {
      const hash = contentHash(text.content, text.description);
      try {
        // Only the vectors that can change the answer are waited for; the rest stay in the background.
        const [vector] = await Promise.all([
          this.queryVectors.get(hash) ?? this.scorer.embed([text]).then(([embedded]) => embedded!),
          this.embedDocuments(
            this.withoutVectors(candidates ?? [...this.documents.keys()].filter(accept)),
          ),
        ]);
        prepared.vector = vector;
        this.rememberQueryVector(hash, vector);
      } catch (error) {
        if (this.options.onError === "allow")
          return { has_duplicates: false, matches: [], possible_duplicates: [] };
        throw new BatonError({
          status: 503,
          code: "dedup_unavailable",
          message: `The duplicate check is unavailable (${this.method} embedder: ${error instanceof Error ? error.message : String(error)}); retry later or send X-Dedup-Check: false`,
          retryAfter: RETRY_AFTER_SECONDS,
          cause: error,
        });
      }
    }
    const found = await this.judged(
      text,
      leveledMatches(this.scorer, prepared, (id) => this.documents.get(id), {
        thresholds,
        max: MAX_MATCHES,
        accept,
      }),
    );
    return {
      has_duplicates: found.duplicates.length > 0,
      matches: found.duplicates,
      possible_duplicates: found.possible,
    };
  }

  /**
   * With a judge (`BATON_DEDUP_JUDGE`), its verdicts on the possible band: the same work becomes a
   * duplicate, different work is dropped. If it fails or times out on any of them, the check
   * answers without it (a judge is a refinement, never a reason to refuse or fail a create).
   */
  private async judged(
    text: DedupQuery & { description: string },
    found: { duplicates: ScoredMatch[]; possible: ScoredMatch[] },
  ): Promise<{ duplicates: ScoredMatch[]; possible: ScoredMatch[] }> {
    const judge = this.judge;
    if (!judge || found.possible.length === 0) return found;
    try {
      const verdicts = await Promise.all(
        found.possible.map((match) =>
          judge.judge(text, this.documents.get(match.task_id) ?? { content: match.content }),
        ),
      );
      return applyVerdicts(found, verdicts, MAX_MATCHES);
    } catch {
      return found;
    }
  }

  /** An open task was created, edited or reopened. Re-embeds only when its content hash changed. */
  async upsert(doc: DedupDocument): Promise<void> {
    const hash = contentHash(doc.content, doc.description);
    const known = this.documents.get(doc.taskId);
    const same = known?.hash === hash && known.url === doc.url && known.projectId === doc.projectId;
    // Baton's own write and then its webhook both report the same task: write it once.
    if (same && this.scorer.has(doc.taskId)) return;
    this.documents.set(doc.taskId, { ...doc, hash });
    if (persisted(doc.taskId)) this.store.putTask({ ...doc, contentHash: hash });
    if (known?.hash === hash && this.scorer.has(doc.taskId)) return;
    this.scorer.add(doc.taskId, doc);
    this.embedInBackground();
  }

  /** The task was closed or deleted: it can no longer match. */
  remove(taskId: number): void {
    this.documents.delete(taskId);
    this.scorer.remove(taskId);
    if (persisted(taskId)) this.store.deleteTask(taskId);
  }

  /** At start: makes the index equal to `docs`, embedding only tasks whose vectors are missing. */
  async syncOpenTasks(docs: DedupDocument[]): Promise<void> {
    const wanted = new Set(docs.map((doc) => doc.taskId));
    for (const id of [...this.documents.keys()]) if (!wanted.has(id)) this.remove(id);
    const changed: { id: number; text: DedupDocument }[] = [];
    for (const doc of docs) {
      const hash = contentHash(doc.content, doc.description);
      const known = this.documents.get(doc.taskId);
      if (
        known &&
        known.hash === hash &&
        known.url === doc.url &&
        known.projectId === doc.projectId
      )
        continue;
      this.documents.set(doc.taskId, { ...doc, hash });
      this.store.putTask({ ...doc, contentHash: hash });
      if (known?.hash !== hash) changed.push({ id: doc.taskId, text: doc });
    }
    this.scorer.addMany(changed);
    this.embedInBackground();
  }

  /** Number of open tasks in the index. */
  get size(): number {
    return this.documents.size;
  }

  private load(): void {
    const vectors = this.scorer.embedder
      ? this.store.listVectors(this.scorer.embedder.model)
      : new Map<number, Float32Array>();
    // Rows of creates in flight written by earlier versions are no tasks.
    const rows = this.store.listTasks().filter((row) => persisted(row.taskId));
    const items = rows.map((row) => {
      const doc = {
        taskId: row.taskId,
        url: row.url,
        content: row.content,
        description: row.description,
        projectId: row.projectId,
      };
      this.documents.set(row.taskId, { ...doc, hash: row.contentHash });
      return { id: row.taskId, text: doc, vector: vectors.get(row.taskId) };
    });
    this.scorer.addMany(items);
  }

  /**
   * A checked text is usually created next: its vector is kept (by content hash, a few at most)
   * so that indexing the new task does not embed the same text a second time.
   */
  private rememberQueryVector(hash: string, vector: Float32Array): void {
    this.queryVectors.delete(hash);
    this.queryVectors.set(hash, vector);
    if (this.queryVectors.size > 16)
      this.queryVectors.delete(this.queryVectors.keys().next().value!);
  }

  /** Resolves once every open task has its vector (rejects with the embedder's error). */
  whenEmbedded(): Promise<void> {
    return this.embedMissing();
  }

  /**
   * Open tasks' vectors are computed off the request path (a create does not wait for its own
   * task's embedding). A failure is retried by the next check that needs vectors, which applies
   * the error policy.
   */
  private embedInBackground(): void {
    // A running pass is awaited by a caller that looks again for missing vectors when it ends.
    if (this.scorer.needsVectors && !this.embedding) this.embedMissing().catch(() => undefined);
  }

  /**
   * Embeds every open task without a vector, one at a time (a check that needs one of them waits
   * for that one only), in one background pass however many callers wait.
   */
  private async embedMissing(): Promise<void> {
    for (;;) {
      const missing = this.withoutVectors(this.documents.keys());
      if (missing.length === 0) return;
      this.embedding ??= (async () => {
        for (const doc of missing) await this.embedDocuments([doc]);
      })().finally(() => {
        this.embedding = undefined;
      });
      await this.embedding;
    }
  }

  private withoutVectors(ids: Iterable<number>): (DedupDocument & { hash: string })[] {
    const out: (DedupDocument & { hash: string })[] = [];
    if (!this.scorer.embedder || !this.scorer.needsVectors) return out;
    for (const id of ids) {
      const doc = this.documents.get(id);
      if (doc && !this.scorer.hasVector(id)) out.push(doc);
    }
    return out;
  }

  /** Embeds and stores these tasks' vectors; a task already being embedded is waited for, not redone. */
  private async embedDocuments(docs: (DedupDocument & { hash: string })[]): Promise<void> {
    const waits = new Set<Promise<void>>();
    // Still current and still without a vector (a check may have embedded it meanwhile).
    const needed = docs.filter(
      (doc) =>
        this.documents.get(doc.taskId)?.hash === doc.hash && !this.scorer.hasVector(doc.taskId),
    );
    const key = (doc: DedupDocument & { hash: string }): string => `${doc.taskId}:${doc.hash}`;
    const own = needed.filter((doc) => {
      const running = this.inFlight.get(key(doc));
      if (running) waits.add(running);
      return !running;
    });
    if (own.length > 0) {
      const work = this.embedNow(own);
      for (const doc of own) this.inFlight.set(key(doc), work);
      const done = (): void => {
        for (const doc of own)
          if (this.inFlight.get(key(doc)) === work) this.inFlight.delete(key(doc));
      };
      work.then(done, done);
      waits.add(work);
    }
    await Promise.all(waits);
  }

  private async embedNow(docs: (DedupDocument & { hash: string })[]): Promise<void> {
    const embedder = this.scorer.embedder!;
    // Taken now: other checks may push them out of the small cache while the embedder works.
    const remembered = new Map(docs.map((doc) => [doc, this.queryVectors.get(doc.hash)]));
    const toEmbed = docs.filter((doc) => !remembered.get(doc));
    const embedded = toEmbed.length > 0 ? await this.scorer.embed(toEmbed) : [];
    const fresh = new Map(toEmbed.map((doc, index) => [doc, embedded[index]!]));
    docs.forEach((doc) => {
      const vector = fresh.get(doc) ?? remembered.get(doc)!;
      // The task may have changed or gone while the embedder worked.
      if (this.documents.get(doc.taskId)?.hash !== doc.hash) return;
      this.scorer.setVector(doc.taskId, vector);
      if (persisted(doc.taskId)) this.store.putVector(doc.taskId, embedder.model, doc.hash, vector);
    });
  }
}

/**
 * A create in flight holds a negative id until GitHub answers: it lives in memory only (a crash
 * forgets it with the create), so it costs no store write and leaves no row to clean up.
 */
function persisted(taskId: number): boolean {
  return taskId > 0;
}
