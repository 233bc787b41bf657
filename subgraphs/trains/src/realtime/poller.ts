import { repeatEvery, type Logger, type RepeatingTask } from '@railgraph/service-kit';
import { decodeFeedMessage, type TripUpdatesFeed } from './feed-message.js';
import type { TripUpdatesOutcome } from './trip-updates.js';

export interface TripUpdatesPollerSettings {
  /** The operator's TripUpdates feed (GTFS_RT_TRIP_UPDATES_URL). */
  url: string;
  /** Between the end of one fetch and the start of the next (GTFS_RT_POLL_MS). */
  intervalMs: number;
  apply(feed: TripUpdatesFeed, log: Logger): Promise<TripUpdatesOutcome>;
  log: Logger;
}

/** A fetch that hangs must not stop the polling for good. */
const FETCH_TIMEOUT_MS = 20_000;

/**
 * Fetches the operator's TripUpdates feed now and then and acts on it as the push endpoint
 * does. A failed fetch or a body that is not a FeedMessage is logged and the next poll tries
 * again; cancellations are idempotent, so reading the same feed twice changes nothing.
 */
export function pollTripUpdates(settings: TripUpdatesPollerSettings): RepeatingTask {
  const { log } = settings;
  return repeatEvery(
    settings.intervalMs,
    async () => {
      const response = await fetch(settings.url, {
        headers: { accept: 'application/x-protobuf, application/octet-stream' },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`the feed answered HTTP ${response.status}`);
      const feed = decodeFeedMessage(new Uint8Array(await response.arrayBuffer()));
      const outcome = await settings.apply(feed, log);
      if (outcome.cancelled > 0) log.info(outcome, 'realtime trip updates polled');
      else log.debug(outcome, 'realtime trip updates polled');
    },
    // The URL may carry the operator's API key in its query, so it is not logged.
    (error) => log.warn({ err: error }, 'polling realtime trip updates failed; trying again at the next poll'),
  );
}
