/** Runs tasks one at a time per key (e.g. per issue), so read-modify-write never interleaves. */
export class KeyedMutex {
  readonly #tails = new Map<string | number, Promise<unknown>>();

  async run<T>(key: string | number, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
