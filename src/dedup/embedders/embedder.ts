/** Turns texts into dense vectors. Implementations may be slow or remote; callers cache vectors. */
export interface Embedder {
  /** Identifies the vector space in the cache: vectors of different models never mix. */
  readonly model: string;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** L2-normalises in place, so cosine is a dot product. */
export function normaliseVector(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}
