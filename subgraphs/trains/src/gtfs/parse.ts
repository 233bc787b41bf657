import { createHash } from 'node:crypto';
import type { ConsistSpec } from '../consist/layout.js';
import type { TimetableFeed } from '../timetable/feed.js';
import type { Train } from '../timetable/model.js';
import type { ConsistsByRouteType } from './consists.js';
import { GtfsFeedError } from './csv.js';
import { optional } from './fields.js';
import { readCalendars, readRoutes, readTrips } from './services.js';
import type { GtfsFiles } from './source.js';
import { readAgencies, readStops, readTransfers, type Transfer } from './stations.js';
import { readStopTimes, stopPattern, type GtfsProgress } from './stop-times.js';
import { readTrainTransfers } from './train-transfers.js';
import type { TrainTransfer } from '../timetable/transfers.js';

export type { Transfer } from './stations.js';
export { trainIdForTrip } from './services.js';

/** A parsed feed, ready to replace the timetable stored under its id. */
export interface ImportedFeed {
  /** The operator name the feed is stored under: `--operator`, else its first agency's id. */
  id: string;
  /** `feed_info.feed_version`, when present. */
  version: string | null;
  /** SHA-256 over the files read and the import settings; the same feed gives the same checksum. */
  checksum: string;
  timetable: TimetableFeed;
  transfers: Transfer[];
  /** Timed and in-seat changes between two particular trains. */
  trainTransfers: TrainTransfer[];
  stopTimeCount: number;
}

export interface GtfsImportOptions {
  /** Name the feed is stored (and later replaced) under. */
  operator?: string | undefined;
  consists: ConsistsByRouteType;
  /** Told as large files are read, e.g. every 100,000 stop times. */
  onProgress?: GtfsProgress;
}

function checksumOf(files: GtfsFiles, options: GtfsImportOptions): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ operator: options.operator ?? null, consists: options.consists }));
  for (const name of [...files.keys()].sort()) {
    hash.update(`\n${name}\n`);
    hash.update(files.get(name) ?? '');
  }
  return hash.digest('hex');
}

function readVersion(files: GtfsFiles): string | null {
  const table = optional(files, 'feed_info.txt');
  if (!table) return null;
  for (const row of table.rows()) return row.get('feed_version') || null;
  return null;
}

/**
 * Maps a GTFS feed onto the timetable model. Stops become stations (`stop_code` as the code
 * where present), trips become trains numbered by `trip_short_name`, times are the agency's
 * local times and may pass 24:00, `pickup_type`/`drop_off_type` 1 forbid boarding/alighting,
 * distances come from `shape_dist_traveled` or else the great circle between stops, and
 * each route type gets its default consist. Anything malformed throws a `GtfsFeedError`
 * naming the file, line and reason.
 */
export function parseGtfsFeed(files: GtfsFiles, options: GtfsImportOptions): ImportedFeed {
  const { operators, timeZone } = readAgencies(files);
  const { stations, stops } = readStops(files, timeZone);
  const calendars = readCalendars(files);
  const routes = readRoutes(files, operators, options.consists);
  const trips = readTrips(files, routes, calendars);
  const { callsByTrip, count } = readStopTimes(files, trips, stops, options.onProgress);
  const trains: Train[] = [];
  for (const [tripId, trip] of trips) {
    const calls = callsByTrip.get(tripId);
    if (!calls || calls.length < 2) {
      throw new GtfsFeedError(
        'trips.txt',
        trip.line,
        `trip ${tripId} has ${calls?.length ?? 0} stop times; a train needs at least two`,
      );
    }
    const pattern = stopPattern(calls, stations);
    trains.push({
      id: trip.trainId,
      number: trip.number,
      operator: trip.route.operator,
      consistId: trip.route.consistId,
      departureMinutes: calls[0]!.departure,
      calendar: trip.calendar,
      stops: pattern,
    });
  }
  const consistIds = [...new Set(trains.map((t) => t.consistId))].sort();
  const consists: ConsistSpec[] = consistIds.map((id) => options.consists.specs.get(id)!);
  const [firstOperator] = operators.values();
  return {
    id: options.operator ?? firstOperator!.id,
    version: readVersion(files),
    checksum: checksumOf(files, options),
    timetable: {
      operators: [...operators.values()],
      stations: [...stations.values()],
      consists,
      trains,
    },
    transfers: readTransfers(files, stops),
    trainTransfers: readTrainTransfers(files, stops, trips, new Map(trains.map((t) => [t.id, t]))),
    stopTimeCount: count,
  };
}
