/** Who cancelled a run: an operator (`cancelTrainRun`) or the operator's GTFS-Realtime feed. */
export type RunCancellationSource = 'OPERATOR' | 'REALTIME_FEED';

/** A recorded cancellation of one run; a run has at most one, the first. */
export interface RunCancellation {
  /** Order of recording; the `runCancellations` cursor. */
  position: bigint;
  /** `<trainId>:<YYYY-MM-DD>`. */
  runId: string;
  reason: string;
  source: RunCancellationSource;
  cancelledAt: Date;
}

/** What a cancellation records before it has a position. */
export interface RunCancellationRequest {
  runId: string;
  reason: string;
  source: RunCancellationSource;
  cancelledAt: Date;
}
