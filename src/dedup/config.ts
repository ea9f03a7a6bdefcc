import { z } from "zod";
import { ConfigError, parseEnv } from "../env.js";
import { DEFAULT_METHOD } from "./calibration.js";
import { METHOD_NAMES } from "./methods.js";

export interface DedupOptions {
  /** A method name from METHOD_NAMES ("lexical", "local", "openai", "tfidf", "lexical+local", …). */
  method: string;
  /** Overrides the method's calibrated threshold. */
  threshold?: number;
  /** "project": only open tasks of the new task's project are compared. */
  scope: "repo" | "project";
  /** When the embedder fails: "fail" = 503 with Retry-After, "allow" = no matches (create goes on). */
  onError: "fail" | "allow";
  /** A judge for the "possible" band (off when absent). */
  judge?: JudgeSettings;
}

/** An OpenAI-compatible chat server that judges the possible duplicates (`BATON_DEDUP_JUDGE=openai`). */
export interface JudgeSettings {
  kind: "openai";
  baseUrl?: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
}

export interface OpenAISettings {
  apiKey?: string;
  baseUrl?: string;
  model?: string;
}

export type DedupConfig = DedupOptions & { openai?: OpenAISettings };

export { DEFAULT_METHOD };

const DedupEnvSchema = z.object({
  BATON_EMBEDDINGS: z.enum(METHOD_NAMES).default(DEFAULT_METHOD),
  BATON_DEDUP_THRESHOLD: z.coerce.number().min(0).max(1).optional(),
  BATON_DEDUP_SCOPE: z.enum(["repo", "project"]).default("repo"),
  BATON_DEDUP_ON_ERROR: z.enum(["fail", "allow"]).default("fail"),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  BATON_EMBEDDING_MODEL: z.string().min(1).optional(),
  BATON_DEDUP_JUDGE: z.enum(["off", "openai"]).default("off"),
  BATON_DEDUP_JUDGE_URL: z.url({ protocol: /^https?$/ }).optional(),
  BATON_DEDUP_JUDGE_MODEL: z.string().min(1).optional(),
  BATON_DEDUP_JUDGE_API_KEY: z.string().min(1).optional(),
  BATON_DEDUP_JUDGE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
});

/** The judge's settings; its own URL and key, else the embeddings server's (OPENAI_*). */
function judgeSettings(e: z.output<typeof DedupEnvSchema>): JudgeSettings | undefined {
  if (e.BATON_DEDUP_JUDGE === "off") return undefined;
  const baseUrl = e.BATON_DEDUP_JUDGE_URL ?? e.OPENAI_BASE_URL;
  const apiKey = e.BATON_DEDUP_JUDGE_API_KEY ?? e.OPENAI_API_KEY;
  if (!e.BATON_DEDUP_JUDGE_MODEL)
    throw new ConfigError(
      "Missing BATON_DEDUP_JUDGE_MODEL: BATON_DEDUP_JUDGE=openai needs the chat model to ask",
    );
  if (!baseUrl && !apiKey)
    throw new ConfigError(
      "Missing BATON_DEDUP_JUDGE_URL: BATON_DEDUP_JUDGE=openai needs an OpenAI-compatible server (BATON_DEDUP_JUDGE_URL or OPENAI_BASE_URL) or an API key",
    );
  return {
    kind: "openai",
    ...(baseUrl ? { baseUrl } : {}),
    ...(apiKey ? { apiKey } : {}),
    model: e.BATON_DEDUP_JUDGE_MODEL,
    timeoutMs: e.BATON_DEDUP_JUDGE_TIMEOUT_MS,
  };
}

/** Reads the dedup settings. Throws a ConfigError whose message is one line naming the variable. */
export function dedupConfigFromEnv(env: NodeJS.ProcessEnv): DedupConfig {
  const e = parseEnv(DedupEnvSchema, env);
  const usesOpenAI = e.BATON_EMBEDDINGS.includes("openai");
  if (usesOpenAI && !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
    throw new ConfigError(
      `Missing OPENAI_API_KEY: BATON_EMBEDDINGS=${e.BATON_EMBEDDINGS} needs OPENAI_API_KEY or OPENAI_BASE_URL (an OpenAI-compatible server)`,
    );
  }
  return {
    method: e.BATON_EMBEDDINGS,
    threshold: e.BATON_DEDUP_THRESHOLD,
    scope: e.BATON_DEDUP_SCOPE,
    onError: e.BATON_DEDUP_ON_ERROR,
    judge: judgeSettings(e),
    openai: usesOpenAI
      ? { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.BATON_EMBEDDING_MODEL }
      : undefined,
  };
}
