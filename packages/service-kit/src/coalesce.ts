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
  const add = coalescingEach<T, undefined>(async (items) => {
    await flush(items);
    return items.map(() => undefined);
  });
  return async (item: T) => {
    await add(item);
  };
}

/**
 * `coalescing` with an answer per item: `flush` returns one result per item, in order, and
 * each caller gets its own (a caller may turn its result into an error).
 */
export function coalescingEach<T, R>(flush: (items: readonly T[]) => Promise<readonly R[]>): (item: T) => Promise<R> {
  /** The batch still taking items, and the settling of the last batch started. */
  let filling: { items: T[]; done: Promise<readonly R[]> } | null = null;
  let previous: Promise<unknown> = Promise.resolve();
  return async (item: T) => {
    if (!filling) {
      const items: T[] = [];
      const done = previous.then(async () => {
        // The batch closes as it starts: later items fill the next one.
        if (filling?.items === items) filling = null;
        const answers = await flush(items);
        if (answers.length !== items.length) throw new Error(`${answers.length} answers for ${items.length} items`);
        return answers;
      });
      filling = { items, done };
      previous = done.catch(() => undefined);
    }
    const index = filling.items.push(item) - 1;
    const answers = await filling.done;
    return answers[index]!;
  };
}
