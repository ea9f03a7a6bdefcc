import OpenAI from "openai";

export interface OpenAIClientOptions {
  /** Any OpenAI-compatible server (e.g. a local one). */
  baseUrl?: string;
  apiKey?: string;
  timeoutMs?: number;
}

/**
 * The `openai` client the dedup embedder and judge share: a hard timeout and no retries, since a
 * create waits on it and the caller's policy (fail with 503, or decide without it) is the retry.
 */
export function openAIClient(options: OpenAIClientOptions): OpenAI {
  return new OpenAI({
    // A local compatible server needs no key, but the client insists on one.
    apiKey: options.apiKey ?? "unused",
    baseURL: options.baseUrl,
    timeout: options.timeoutMs ?? 5000,
    maxRetries: 0,
  });
}
