export { DedupService } from "./service.js";
export type {
  DedupDocument,
  DedupMatch,
  DedupResult,
  DedupQuery,
  CheckOptions,
  DedupServiceOptions,
} from "./service.js";
export { dedupConfigFromEnv, DEFAULT_METHOD } from "./config.js";
export type { DedupOptions, DedupConfig, OpenAISettings } from "./config.js";
export { METHOD_NAMES, resolveMethod } from "./methods.js";
export { baselineScores, BASELINE_THRESHOLD } from "./tfidf-baseline.js";
export type { Embedder } from "./embedders/embedder.js";
