import type { LocalDate } from './local-time.js';

/**
 * Which runs were cancelled after the timetable was published: searches leave them out, while
 * a run looked up by id is still there. The timetable itself never changes for a cancellation.
 */
export interface CancelledRunCheck {
  /** How many runs are cancelled; searches skip the checks altogether at 0. */
  readonly size: number;
  isCancelled(trainId: string, serviceDate: LocalDate): boolean;
}

/** No run cancelled: what a timetable searches with unless told otherwise (tests, benchmarks). */
export const NO_CANCELLED_RUNS: CancelledRunCheck = { size: 0, isCancelled: () => false };
