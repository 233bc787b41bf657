import type { Logger } from '@railgraph/service-kit';
import { buildDemoNetwork } from '../demo/network.js';
import type { TimetableStore } from './timetable-store.js';

/**
 * Seeds the demo network on first start, with calendars from the day before `today`.
 * A database that already holds a timetable is left alone, so restarts change nothing.
 */
export async function seedDemoNetworkOnce(store: TimetableStore, today: string, log: Logger): Promise<boolean> {
  if (await store.hasTimetable()) {
    log.debug('timetable present, demo network not seeded');
    return false;
  }
  const started = performance.now();
  const feed = buildDemoNetwork(today);
  try {
    await store.writeFeed(feed);
  } catch (error) {
    // Another instance starting at the same moment seeded first: its rows stand.
    if (await store.hasTimetable()) return false;
    throw error;
  }
  log.info(
    { stations: feed.stations.length, trains: feed.trains.length, today, ms: Math.round(performance.now() - started) },
    'seeded the demo network',
  );
  return true;
}
