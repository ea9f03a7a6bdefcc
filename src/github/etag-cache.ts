/** A bounded map of conditional-request validators and the bodies they stand for. */
export class EtagCache<T> {
  readonly #entries = new Map<string, { etag: string; value: T }>();
  constructor(private readonly capacity = 5000) {}

  get(key: string): { etag: string; value: T } | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      // Refresh recency: Map keeps insertion order, so re-insert.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, etag: string | undefined, value: T): void {
    this.#entries.delete(key);
    if (!etag) return;
    this.#entries.set(key, { etag, value });
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
