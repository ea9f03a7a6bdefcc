/** How long a finished read is handed to later callers before the next one reads again. */
const KEPT_MS = 60_000;

/**
 * One read shared by every caller that asks while it runs or within a minute after: at start,
 * several parts of Baton need the same list from GitHub. A failed read is not kept (the next
 * caller tries again), and a finished one is let go after a minute so its memory is freed.
 */
export function sharedRead<T>(read: () => Promise<T>, keptMs = KEPT_MS): () => Promise<T> {
  let shared: Promise<T> | undefined;
  return () => {
    if (!shared) {
      const current = read();
      shared = current;
      current.then(
        () => setTimeout(() => shared === current && (shared = undefined), keptMs).unref(),
        () => shared === current && (shared = undefined),
      );
    }
    return shared;
  };
}
