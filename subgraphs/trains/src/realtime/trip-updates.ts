import type { Logger } from '@railgraph/service-kit';
import type { RunCancellations } from '../cancellations/run-cancellations.js';
import { trainIdForTrip } from '../gtfs/services.js';
import { isLocalDate } from '../timetable/local-time.js';
import { formatRunId, isTrainId } from '../timetable/run-id.js';
import type { FeedEntity, TripUpdatesFeed } from './feed-message.js';

/** What travellers are told when the feed gives no reason of its own (TripUpdates carry none). */
export const REALTIME_CANCELLATION_REASON = "Cancelled by the operator's realtime feed";

/** What one feed did: runs newly cancelled, and entities that changed nothing. */
export interface TripUpdatesOutcome {
  cancelled: number;
  ignored: number;
}

/** `YYYYMMDD` as a local date, or null. */
function serviceDateOf(startDate: string): string | null {
  if (!/^\d{8}$/.test(startDate)) return null;
  const date = `${startDate.slice(0, 4)}-${startDate.slice(4, 6)}-${startDate.slice(6, 8)}`;
  return isLocalDate(date) ? date : null;
}

/**
 * The run a CANCELED trip names: its GTFS trip id becomes a train id as the import made it
 * (`trainIdForTrip`), and its `start_date` the service date. Null, with the reason, when the
 * descriptor lacks either or they are malformed.
 */
function runIdOf(entity: FeedEntity): { runId: string } | { skip: string } {
  const tripId = entity.trip?.tripId;
  const startDate = entity.trip?.startDate;
  if (!tripId || !startDate) return { skip: 'a cancelled trip needs trip_id and start_date' };
  const serviceDate = serviceDateOf(startDate);
  if (!serviceDate) return { skip: `start_date ${JSON.stringify(startDate)} is not YYYYMMDD` };
  const trainId = trainIdForTrip(tripId);
  if (!isTrainId(trainId)) return { skip: `trip_id ${JSON.stringify(tripId)} cannot name a train` };
  return { runId: formatRunId({ trainId, serviceDate }) };
}

/**
 * Cancels the run of every TripUpdate whose trip is CANCELED, with the REALTIME_FEED source.
 * Everything else is ignored: other schedule relationships (delays, added trips; trains has no
 * use for them yet), entities that are not TripUpdates or are deleted, runs already cancelled,
 * and trips or dates the timetable does not have (logged, since they point at a feed that does
 * not match the imported timetable).
 */
export async function applyTripUpdates(
  feed: TripUpdatesFeed,
  cancellations: RunCancellations,
  log: Logger,
): Promise<TripUpdatesOutcome> {
  const outcome: TripUpdatesOutcome = { cancelled: 0, ignored: 0 };
  for (const entity of feed.entities) {
    if (entity.isDeleted || entity.trip?.scheduleRelationship !== 'CANCELED') {
      outcome.ignored += 1;
      continue;
    }
    const named = runIdOf(entity);
    if ('skip' in named) {
      log.warn({ entityId: entity.id, reason: named.skip }, 'realtime trip update skipped');
      outcome.ignored += 1;
      continue;
    }
    const run = cancellations.runOf(named.runId);
    if (!run) {
      log.warn(
        { entityId: entity.id, tripId: entity.trip.tripId, runId: named.runId },
        'realtime trip update skipped: the timetable has no such run',
      );
      outcome.ignored += 1;
      continue;
    }
    if (await cancellations.cancel(run, REALTIME_CANCELLATION_REASON, 'REALTIME_FEED')) outcome.cancelled += 1;
    else outcome.ignored += 1;
  }
  return outcome;
}
