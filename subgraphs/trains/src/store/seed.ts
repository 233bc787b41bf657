import type { SqlClient } from '@railgraph/database';
import type { Logger } from '@railgraph/service-kit';
import { DEMO_CONSISTS, demoGtfsFeeds } from '../demo/gtfs.js';
import { importGtfs } from '../gtfs/import.js';
import type { TimetableStore } from './timetable-store.js';

/**
 * Imports the demo network's GTFS feeds on first start, with calendars from the day before
 * `today`. A database that already holds a timetable is left alone, so restarts change nothing.
 */
export async function seedDemoNetworkOnce(
  store: TimetableStore,
  sql: SqlClient,
  today: string,
  log: Logger,
): Promise<boolean> {
  if (await store.hasTimetable()) {
    log.debug('timetable present, demo network not seeded');
    return false;
  }
  const started = performance.now();
  try {
    for (const feed of demoGtfsFeeds(today)) {
      const report = await importGtfs(sql, feed.files, { operator: feed.operator, consists: DEMO_CONSISTS });
      log.info({ feed: report.feedId, trains: report.trains, stopTimes: report.stopTimes }, 'imported demo feed');
    }
  } catch (error) {
    // Another instance starting at the same moment seeded first: its rows stand.
    if (await store.hasTimetable()) return false;
    throw error;
  }
  log.info({ today, ms: Math.round(performance.now() - started) }, 'seeded the demo network');
  return true;
}
