/** Open tasks' unit vectors; brute-force cosine, which is exact and fast enough at 10k × 512. */
export class DenseIndex {
  private readonly vectors = new Map<number, Float32Array>();

  get size(): number {
    return this.vectors.size;
  }

  has(id: number): boolean {
    return this.vectors.has(id);
  }

  add(id: number, vector: Float32Array): void {
    this.vectors.set(id, vector);
  }

  remove(id: number): void {
    this.vectors.delete(id);
  }

  /** Cosines with the given tasks only (those without a vector are left out). */
  scoreOnly(query: Float32Array, ids: Iterable<number>): Map<number, number> {
    const out = new Map<number, number>();
    for (const id of ids) {
      const vector = this.vectors.get(id);
      if (vector) out.set(id, dot(vector, query));
    }
    return out;
  }

  search(query: Float32Array, accept: (id: number) => boolean): Map<number, number> {
    const out = new Map<number, number>();
    for (const [id, vector] of this.vectors) {
      if (!accept(id)) continue;
      out.set(id, dot(vector, query));
    }
    return out;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) sum += a[i]! * b[i]!;
  return sum;
}
