import { badInput, notFound, type Logger } from '@railgraph/service-kit';
import type { TrainRun } from '../timetable/model.js';
import { parseRunId } from '../timetable/run-id.js';
import { runOnDate } from '../timetable/run.js';
import type { Timetable } from '../timetable/timetable.js';
import type { CancelledRuns } from './cancelled-runs.js';
import { cancellationsPageSize, checkedReason, positionOfCursor } from './input.js';
import type { RunCancellation, RunCancellationSource } from './model.js';
import type { RunCancellationStore } from './store.js';

export interface RunCancellationsDeps {
  store: RunCancellationStore;
  /** This process's in-memory set, which searches consult. */
  cancelled: CancelledRuns;
  timetable: Timetable;
  clock: () => Date;
  log: Logger;
  /** Told of every cancellation this process records (not of repeats). */
  onCancelled?: (source: RunCancellationSource) => void;
}

/**
 * Cancelling runs, by an operator or from the realtime feed, and the ordered list of
 * cancellations that tickets follows. A run is cancelled at most once: the first stands.
 */
export class RunCancellations {
  constructor(private readonly deps: RunCancellationsDeps) {}

  /** The run an id names in the timetable (cancelled or not), or null for an unknown train or a date it does not run. */
  runOf(runId: string): TrainRun | null {
    const key = parseRunId(runId);
    if (!key) return null;
    const [train] = this.deps.timetable.trainsByIds([key.trainId]);
    return train ? runOnDate(train, key.serviceDate) : null;
  }

  /**
   * An operator's cancellation (the caller has checked the scope): BAD_USER_INPUT for a
   * malformed id or reason, NOT_FOUND for a run the timetable does not have. A run already
   * cancelled is answered as it is.
   */
  async cancelByOperator(runId: string, reason: string): Promise<TrainRun> {
    if (!parseRunId(runId)) {
      throw badInput(`run id must be <trainId>:<YYYY-MM-DD>; got ${JSON.stringify(runId)}`, { argument: 'runId' });
    }
    const checked = checkedReason(reason);
    const run = this.runOf(runId);
    if (!run) throw notFound('Train run', runId);
    await this.cancel(run, checked, 'OPERATOR');
    return run;
  }

  /** Records the cancellation of a run known to exist; answers whether it is new. */
  async cancel(run: TrainRun, reason: string, source: RunCancellationSource): Promise<boolean> {
    const { cancellation, created } = await this.deps.store.record({
      runId: run.id,
      reason,
      source,
      cancelledAt: this.deps.clock(),
    });
    // Also for a repeat: the first may have come from another process not yet caught up with.
    this.deps.cancelled.add(run.id);
    if (created) {
      this.deps.onCancelled?.(source);
      this.deps.log.info({ runId: run.id, source, position: cancellation.position.toString() }, 'train run cancelled');
    }
    return created;
  }

  /** Cancellations recorded after the cursor `after`, oldest first, at most `first` (1-500, 100 by default). */
  list(after: string | null | undefined, first: number | null | undefined): Promise<RunCancellation[]> {
    const position = positionOfCursor(after);
    const size = cancellationsPageSize(first);
    return this.deps.store.after(position, size);
  }
}
