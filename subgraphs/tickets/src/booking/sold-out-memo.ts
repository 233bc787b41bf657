/**
 * The sold-out memo (docs/design.md §4, "The queue at a rush"): what inventory has just
 * answered SOLD_OUT in this process, so that requests it already answers are told at once,
 * without a database write, an inventory call or a place in the booking queue.
 *
 * An entry is (run, class, fromStop, toStop, count): fewer than `count` seats of the class
 * were free on every leg from `fromStop` to `toStop`. It then answers for any request on the
 * same run and class whose legs include those legs and that wants at least as many seats:
 * more legs only take seats away, so such a request is sold out too. Only requests that let
 * the allocator choose are keyed (named seats are refused with SEAT_TAKEN, not SOLD_OUT).
 *
 * Seats come back (a cancellation, a compensation, an expiry, another replica's, inventory's
 * reaper), so an entry lapses after `ttlMs`, and `clearRun` drops a run's entries the moment
 * this process releases seats on it. A clear also voids the SOLD_OUT answers of holds under
 * way when it happened (`mark`/`record`; of any run, to keep no state per run): inventory may
 * have given them before the seats came back, and they would hide those seats.
 */

/** What a hold asked for, as the memo keys it. */
export interface SoldOutKey {
  runId: string;
  seatClass: string;
  fromStop: number;
  toStop: number;
  count: number;
}

interface Entry {
  fromStop: number;
  toStop: number;
  count: number;
  expiresAt: number;
}

interface Watcher {
  wanted: SoldOutKey;
  onSoldOut: () => void;
}

/** Entries kept per run and class; the oldest go first (they lapse first anyway). */
const MAX_ENTRIES_PER_CLASS = 16;
/** Runs with entries above which a record sweeps lapsed entries of every run. */
const SWEEP_ABOVE_RUNS = 256;

/** Whether `entry` answers for `wanted`: its legs within wanted's, and wanted's count at least its own. */
const answers = (entry: Omit<Entry, 'expiresAt'>, wanted: SoldOutKey): boolean =>
  wanted.fromStop <= entry.fromStop && wanted.toStop >= entry.toStop && wanted.count >= entry.count;

export interface SoldOutMemoOptions {
  /** How long an entry answers; 0 turns the memo off. */
  ttlMs: number;
  /** Milliseconds now, for entry lifetimes; `Date.now` unless a test sets one. */
  now?: () => number;
}

export class SoldOutMemo {
  private readonly ttlMs: number;
  private readonly now: () => number;
  /** runId → seatClass → entries. */
  private readonly runs = new Map<string, Map<string, Entry[]>>();
  /** runId → requests waiting in the queue for an answer on that run. */
  private readonly watchers = new Map<string, Set<Watcher>>();
  /** Counts clears: a hold answered after a clear it started before is not recorded. */
  private clears = 0;

  constructor({ ttlMs, now = Date.now }: SoldOutMemoOptions) {
    this.ttlMs = ttlMs;
    this.now = now;
  }

  /** Whether entries are kept at all (`ttlMs` above 0). */
  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** Taken before asking inventory for a hold; hand it to `record` with the answer. */
  mark(): number {
    return this.clears;
  }

  /**
   * Inventory answered SOLD_OUT for `key`. Ignored when the memo is off or a clear happened
   * since `mark` (the seats may have come back meanwhile). Requests waiting on the run that the
   * new entry answers are told at once.
   */
  record(key: SoldOutKey, mark: number): void {
    if (this.ttlMs <= 0 || mark !== this.clears) return;
    const now = this.now();
    if (this.runs.size > SWEEP_ABOVE_RUNS) this.sweep(now);
    const classes = this.runs.get(key.runId) ?? new Map<string, Entry[]>();
    this.runs.set(key.runId, classes);
    const entry: Entry = { fromStop: key.fromStop, toStop: key.toStop, count: key.count, expiresAt: now + this.ttlMs };
    // An older entry the new one answers for entirely says nothing more, and lapses sooner.
    const kept = (classes.get(key.seatClass) ?? []).filter(
      (old) => old.expiresAt > now && !answers(entry, { ...key, ...old }),
    );
    kept.push(entry);
    classes.set(key.seatClass, kept.slice(-MAX_ENTRIES_PER_CLASS));
    for (const watcher of [...(this.watchers.get(key.runId) ?? [])]) {
      if (watcher.wanted.seatClass === key.seatClass && answers(entry, watcher.wanted)) watcher.onSoldOut();
    }
  }

  /** Whether an entry that has not lapsed answers SOLD_OUT for `wanted`. */
  covers(wanted: SoldOutKey): boolean {
    const classes = this.runs.get(wanted.runId);
    const entries = classes?.get(wanted.seatClass);
    if (!classes || !entries) return false;
    const now = this.now();
    const live = entries.filter((entry) => entry.expiresAt > now);
    if (live.length === 0) {
      classes.delete(wanted.seatClass);
      if (classes.size === 0) this.runs.delete(wanted.runId);
      return false;
    }
    if (live.length !== entries.length) classes.set(wanted.seatClass, live);
    return live.some((entry) => answers(entry, wanted));
  }

  /** This process released seats on `runId` (or is about to): its entries no longer hold. */
  clearRun(runId: string): void {
    this.clears += 1;
    this.runs.delete(runId);
  }

  /**
   * Calls `onSoldOut` (once at most) when an entry recorded from now on answers for `wanted`,
   * until the returned function is called. For requests waiting in the booking queue.
   */
  watch(wanted: SoldOutKey, onSoldOut: () => void): () => void {
    const set = this.watchers.get(wanted.runId) ?? new Set<Watcher>();
    this.watchers.set(wanted.runId, set);
    const unwatch = () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(wanted.runId) === set) this.watchers.delete(wanted.runId);
    };
    const watcher: Watcher = {
      wanted,
      onSoldOut: () => {
        unwatch();
        onSoldOut();
      },
    };
    set.add(watcher);
    return unwatch;
  }

  /** Runs with live or lapsed entries not yet swept, for tests. */
  get runCount(): number {
    return this.runs.size;
  }

  private sweep(now: number): void {
    for (const [runId, classes] of this.runs) {
      for (const [seatClass, entries] of classes) {
        const live = entries.filter((entry) => entry.expiresAt > now);
        if (live.length === 0) classes.delete(seatClass);
        else classes.set(seatClass, live);
      }
      if (classes.size === 0) this.runs.delete(runId);
    }
  }
}
