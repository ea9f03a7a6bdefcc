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

  search(query: Float32Array, accept: (id: number) => boolean): Map<number, number> {
    const out = new Map<number, number>();
    for (const [id, vector] of this.vectors) {
      if (!accept(id)) continue;
      let dot = 0;
      const length = Math.min(vector.length, query.length);
      for (let i = 0; i < length; i++) dot += vector[i]! * query[i]!;
      out.set(id, dot);
    }
    return out;
  }
}
