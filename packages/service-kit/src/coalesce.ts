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
export function coalescing<T>(
  flush: (items: readonly T[]) => Promise<unknown>,
  options: CoalescingOptions = {},
): (item: T) => Promise<void> {
  const add = coalescingEach<T, undefined>(async (items) => {
    await flush(items);
    return items.map(() => undefined);
  }, options);
  return async (item: T) => {
    await add(item);
  };
}

export interface CoalescingOptions {
  /**
   * How long a batch keeps taking items once its turn has come, before it goes out: for work
   * nobody waits on for long (deleting delivered outbox rows, recording captures), a few
   * milliseconds that gather a rush's items into far fewer calls. 0 (the default): at once.
   */
  lingerMs?: number;
}

/**
 * `coalescing` with an answer per item: `flush` returns one result per item, in order, and
 * each caller gets its own (a caller may turn its result into an error).
 */
export function coalescingEach<T, R>(
  flush: (items: readonly T[]) => Promise<readonly R[]>,
  { lingerMs = 0 }: CoalescingOptions = {},
): (item: T) => Promise<R> {
  return batching(flush, { lanes: 1, stalledAfterMs: Infinity, lingerMs });
}

/**
 * `coalescingEach` that a stalled call does not hold up: items gather while the call under way
 * runs and go out together in the next, as with `coalescingEach`, so a rush goes out in few
 * large calls; but once every call under way has run `stalledAfterMs` without an answer (one
 * lost until its timeout, a lock waited on), the items waiting go out in another call, up to
 * `lanes` calls at once. Each item gets its own answer; a failed call rejects its items only.
 */
export function coalescingLanes<T, R>(
  lanes: number,
  stalledAfterMs: number,
  flush: (items: readonly T[]) => Promise<readonly R[]>,
): (item: T) => Promise<R> {
  return batching(flush, { lanes: Math.max(1, lanes), stalledAfterMs, lingerMs: 0 });
}

/**
 * The one engine behind `coalescingEach` and `coalescingLanes`: items wait while `lanes`
 * calls run, or while the youngest of them has run less than `stalledAfterMs`; once one may go
 * out, the waiting items linger `lingerMs` more for company, then go out in one call.
 */
function batching<T, R>(
  flush: (items: readonly T[]) => Promise<readonly R[]>,
  { lanes, stalledAfterMs, lingerMs }: { lanes: number; stalledAfterMs: number; lingerMs: number },
): (item: T) => Promise<R> {
  interface Waiting {
    item: T;
    resolve: (answer: R) => void;
    reject: (error: unknown) => void;
  }
  let waiting: Waiting[] = [];
  /** When each call under way went out (ms, monotonic). */
  const running = new Set<{ startedAt: number }>();
  let scheduled = false;
  /** Wakes the waiting items when the youngest call stalls. */
  let stallTimer: ReturnType<typeof setTimeout> | null = null;
  /** The linger of the next call: under way, or over (the call may go). */
  let linger: 'none' | 'lingering' | 'over' = 'none';

  const pump = (): void => {
    scheduled = false;
    if (waiting.length === 0) return;
    const now = performance.now();
    const youngest = Math.max(-Infinity, ...[...running].map((call) => call.startedAt));
    if (running.size > 0 && (running.size >= lanes || now - youngest < stalledAfterMs)) {
      // Wait for a call to end, or for the youngest to stall while a lane is free.
      if (running.size < lanes && !stallTimer) {
        stallTimer = setTimeout(
          () => {
            stallTimer = null;
            pump();
          },
          Math.max(1, youngest + stalledAfterMs - now),
        );
      }
      return;
    }
    if (lingerMs > 0 && linger !== 'over') {
      if (linger === 'none') {
        linger = 'lingering';
        setTimeout(() => {
          linger = 'over';
          pump();
        }, lingerMs);
      }
      return;
    }
    linger = 'none';
    const batch = waiting;
    waiting = [];
    const call = { startedAt: now };
    running.add(call);
    Promise.resolve()
      .then(() => flush(batch.map((w) => w.item)))
      .then((answers) => {
        if (answers.length !== batch.length) throw new Error(`${answers.length} answers for ${batch.length} items`);
        batch.forEach((w, i) => w.resolve(answers[i]!));
      })
      .catch((error: unknown) => batch.forEach((w) => w.reject(error)))
      .finally(() => {
        running.delete(call);
        pump();
      });
  };

  return (item: T) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      // After the current microtask, so items handed in together share a call.
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(pump);
      }
    });
}
