import type { SqlClient } from '@railgraph/database';
import { writeImportedFeed, type FeedImportResult } from '../store/feed-writer.js';
import type { ConsistsByRouteType } from './consists.js';
import { parseGtfsFeed } from './parse.js';
import { readGtfsFiles, type GtfsFiles } from './source.js';

export interface GtfsImportSettings {
  /** Name the feed is stored (and later replaced) under; its first agency's id by default. */
  operator?: string | undefined;
  consists: ConsistsByRouteType;
  /** Told how far the import has got: reading files, then writing stop times. */
  onProgress?: (stage: string, done: number, total?: number) => void;
}

export interface GtfsImportReport extends FeedImportResult {
  stations: number;
  milliseconds: number;
}

/**
 * Imports a GTFS feed (a folder, a zip, or files already in memory) into the trains
 * database: parse and check everything first, then replace the feed's timetable in one
 * transaction. A malformed feed throws a `GtfsFeedError` before anything is written.
 */
export async function importGtfs(
  sql: SqlClient,
  source: string | GtfsFiles,
  settings: GtfsImportSettings,
): Promise<GtfsImportReport> {
  const started = performance.now();
  const files = typeof source === 'string' ? await readGtfsFiles(source) : source;
  const feed = parseGtfsFeed(files, {
    operator: settings.operator,
    consists: settings.consists,
    onProgress: (file, rows) => settings.onProgress?.(`read ${file}`, rows),
  });
  const result = await writeImportedFeed(sql, feed, {
    onProgress: (done, total) => settings.onProgress?.('write stop times', done, total),
  });
  return { ...result, stations: feed.timetable.stations.length, milliseconds: Math.round(performance.now() - started) };
}
