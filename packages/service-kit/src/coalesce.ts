/**
 * Work handed in one item at a time and done for many at once: an item waits for the batch
 * running to finish, then goes out with every item handed in meanwhile, in one call of
 * `flush`. At most one batch runs and one fills at a time, so under load N items cost about
 * one call per round trip instead of N; when idle an item goes out alone at once (after the
 * current microtask, so items handed in together still share a call).
 *
 * Each caller's promise settles with its batch: a failed `flush` rejects every item in it,
 * and the next batch still runs.
 */
export function coalescing<T>(flush: (items: readonly T[]) => Promise<unknown>): (item: T) => Promise<void> {
  /** The batch still taking items, and the settling of the last batch started. */
  let filling: { items: T[]; done: Promise<void> } | null = null;
  let previous: Promise<unknown> = Promise.resolve();
  return (item: T) => {
    if (!filling) {
      const items: T[] = [];
      const done = previous.then(async () => {
        // The batch closes as it starts: later items fill the next one.
        if (filling?.items === items) filling = null;
        await flush(items);
      });
      filling = { items, done };
      previous = done.catch(() => undefined);
    }
    filling.items.push(item);
    return filling.done;
  };
}
