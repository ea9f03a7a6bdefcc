// Placeholder until the benchmark writes it.
import type { LexicalModel } from "./lexical-model.js";

export interface Calibration {
  threshold: number;
  model?: LexicalModel;
  denseWeight?: number;
}

export const CALIBRATION: Record<string, Calibration | undefined> = {
  lexical: { threshold: 0.5, model: { kind: "logistic", weights: { word: 5, title: 2, char: 1, ident: 1 }, bias: -3, conflictPenalty: 0.2 } },
};
