import { openAIClient } from "../openai-client.js";
import type { Embedder } from "./embedder.js";
import { normaliseVector } from "./embedder.js";

export interface OpenAIEmbedderOptions {
  apiKey?: string;
  /** Any OpenAI-compatible server (e.g. a local one). */
  baseUrl?: string;
  model?: string;
  /** A create must not hang on a dead embedder. */
  timeoutMs?: number;
}

export const DEFAULT_OPENAI_MODEL = "text-embedding-3-small";
const MAX_CHARS = 8000;
const BATCH = 256;

/** Embeddings from the `openai` package, always `encoding_format: "float"`, with a hard timeout. */
export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const model = options.model ?? DEFAULT_OPENAI_MODEL;
  const client = openAIClient(options);
  return {
    model: `openai:${model}`,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += BATCH) {
        const input = texts
          .slice(start, start + BATCH)
          .map((text) => text.slice(0, MAX_CHARS) || " ");
        const response = await client.embeddings.create({ model, input, encoding_format: "float" });
        const ordered = [...response.data].sort((a, b) => a.index - b.index);
        if (ordered.length !== input.length)
          throw new Error(
            `embedding server returned ${ordered.length} vectors for ${input.length} inputs`,
          );
        for (const item of ordered) out.push(normaliseVector(Float32Array.from(item.embedding)));
      }
      return out;
    },
  };
}
