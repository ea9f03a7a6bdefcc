/**
 * Whether a version kept in the shared store moved since it was last read: a cache in front of
 * the store is dropped when it did (another replica, or the CLI, changed what it holds). Read at
 * most once per turn of the event loop, so a request that arrives after the change sees it and a
 * list of a thousand tasks costs one read.
 */
export class VersionCheck {
  readonly #read: () => string;
  #version: string | undefined;
  #checked = false;

  constructor(read: () => string) {
    this.#read = read;
  }

  /** True the first time and whenever the version moved since the last look. */
  moved(): boolean {
    if (this.#checked) return false;
    this.#checked = true;
    setImmediate(() => (this.#checked = false)).unref();
    const version = this.#read();
    if (version === this.#version) return false;
    this.#version = version;
    return true;
  }
}
