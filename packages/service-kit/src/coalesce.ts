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

/** One `coalescingEach` and what it is doing: a call under way (and when it went), items waiting for the next. */
interface Lane<T, R> {
  add: (item: T) => Promise<R>;
  running: boolean;
  /** Order in which the lanes' current calls went out. */
  started: number;
  waiting: number;
}

/**
 * `coalescingEach` with up to `lanes` calls of `flush` under way at once. An item joins a lane
 * with no call running (its call goes out after the current microtask, with the items handed
 * in alongside); when every lane is busy, the one already gathering items for its next call,
 * else the one whose call went out first (likely the first to end). So a call that hangs (an
 * answer lost until its timeout) holds back only the items gathered behind it, not every item
 * handed in meanwhile, while a rush still goes out in a few large calls. Each item gets its own
 * answer, as with `coalescingEach`.
 */
export function coalescingLanes<T, R>(
  lanes: number,
  flush: (items: readonly T[]) => Promise<readonly R[]>,
): (item: T) => Promise<R> {
  let calls = 0;
  const all: Array<Lane<T, R>> = Array.from({ length: Math.max(1, lanes) }, () => {
    const lane: Lane<T, R> = {
      running: false,
      started: 0,
      waiting: 0,
      add: coalescingEach<T, R>(async (items) => {
        lane.waiting -= items.length;
        lane.running = true;
        lane.started = ++calls;
        try {
          return await flush(items);
        } finally {
          lane.running = false;
        }
      }),
    };
    return lane;
  });
  const pick = (): Lane<T, R> =>
    all.find((lane) => !lane.running && lane.waiting > 0) ??
    all.find((lane) => !lane.running) ??
    all.find((lane) => lane.waiting > 0) ??
    all.reduce((first, lane) => (lane.started < first.started ? lane : first));
  return (item: T) => {
    const lane = pick();
    lane.waiting += 1;
    return lane.add(item);
  };
}
