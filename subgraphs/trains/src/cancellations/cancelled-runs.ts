import type { LocalDate } from '../timetable/local-time.js';
import { parseRunId } from '../timetable/run-id.js';
import type { CancelledRunCheck } from '../timetable/cancelled.js';
import type { RunCancellationStore } from './store.js';

/**
 * The cancelled runs, in memory beside the timetable, so that searches can leave them out
 * without asking the database. Loaded at start, added to by every cancellation this process
 * records, and caught up now and then with those other processes recorded.
 */
export class CancelledRuns implements CancelledRunCheck {
  /** Service dates cancelled, by train id: a search asks by train and date. */
  private readonly byTrain = new Map<string, Set<LocalDate>>();
  /** Position up to which the table has been read; only `catchUp` moves it (see `add`). */
  private seenUpTo = 0n;
  private count = 0;

  get size(): number {
    return this.count;
  }

  isCancelled(trainId: string, serviceDate: LocalDate): boolean {
    return this.count > 0 && this.byTrain.get(trainId)?.has(serviceDate) === true;
  }

  /**
   * Marks a run cancelled that this process just recorded. It does not move `seenUpTo`: rows of
   * other processes with smaller positions may not have been read yet.
   */
  add(runId: string): void {
    const key = parseRunId(runId);
    // Only well-formed run ids are ever recorded; a malformed one could match no search anyway.
    if (!key) return;
    let dates = this.byTrain.get(key.trainId);
    if (!dates) this.byTrain.set(key.trainId, (dates = new Set()));
    if (dates.has(key.serviceDate)) return;
    dates.add(key.serviceDate);
    this.count += 1;
  }

  /** Reads the cancellations recorded since the last call (all of them the first time); answers how many were new here. */
  async catchUp(store: RunCancellationStore): Promise<number> {
    const before = this.count;
    for (const { position, runId } of await store.runIdsAfter(this.seenUpTo)) {
      this.add(runId);
      if (position > this.seenUpTo) this.seenUpTo = position;
    }
    return this.count - before;
  }
}
