import { CALIBRATION, TERMS } from "./calibration.js";
import type { LexicalModel } from "./lexical-model.js";
import type { TermOptions } from "./lexical-terms.js";
import { BASELINE_THRESHOLD } from "./tfidf-baseline.js";

export type DenseKind = "local" | "openai";

/** Everything that defines a dedup method; built from a name plus the shipped calibration. */
export interface MethodSpec {
  name: string;
  /** The sparse part: the calibrated lexical model, Delega's per-check TF-IDF, or none. */
  sparse: { kind: "lexical"; model: LexicalModel; terms: TermOptions } | { kind: "tfidf" } | null;
  dense: DenseKind | null;
  /** Weight of the dense cosine in the final score (the sparse score gets 1 − this). */
  denseWeight: number;
  /** Default threshold, calibrated on the dev split unless `calibrated` is false. */
  threshold: number;
  calibrated: boolean;
}

// Without a reachable model at calibration time, OpenAI methods start from these priors;
// BATON_DEDUP_THRESHOLD overrides, and `npm run bench:dedup` calibrates them when a server is set.
const OPENAI_PRIOR = { threshold: 0.8, denseWeight: 0.5, comboThreshold: 0.6 };

export const METHOD_NAMES = [
  "tfidf",
  "lexical",
  "lexical-combo",
  "lexical-word",
  "lexical-title",
  "lexical-char",
  "lexical-ident",
  "local",
  "lexical+local",
  "openai",
  "lexical+openai",
] as const;

/** Resolves a method name; throws on an unknown one. */
export function resolveMethod(name: string): MethodSpec {
  const calibration = CALIBRATION[name];
  if (name === "tfidf") {
    return {
      name,
      sparse: { kind: "tfidf" },
      dense: null,
      denseWeight: 0,
      threshold: calibration?.threshold ?? BASELINE_THRESHOLD,
      calibrated: calibration !== undefined,
    };
  }
  if (name === "openai" && !calibration) {
    return {
      name,
      sparse: null,
      dense: "openai",
      denseWeight: 1,
      threshold: OPENAI_PRIOR.threshold,
      calibrated: false,
    };
  }
  if (name === "lexical+openai" && !calibration) {
    const lexical = CALIBRATION.lexical!;
    return {
      name,
      sparse: { kind: "lexical", model: lexical.model!, terms: TERMS },
      dense: "openai",
      denseWeight: OPENAI_PRIOR.denseWeight,
      threshold: OPENAI_PRIOR.comboThreshold,
      calibrated: false,
    };
  }
  if (!calibration)
    throw new Error(`unknown dedup method "${name}" (known: ${METHOD_NAMES.join(", ")})`);
  const dense = name.endsWith("local") ? "local" : name.endsWith("openai") ? "openai" : null;
  return {
    name,
    sparse: calibration.model ? { kind: "lexical", model: calibration.model, terms: TERMS } : null,
    dense,
    denseWeight: calibration.denseWeight ?? (dense ? 1 : 0),
    threshold: calibration.threshold,
    calibrated: true,
  };
}
