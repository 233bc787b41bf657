// `@railgraph/trains/timetable`: GTFS import, consist rules, the in-memory index and search, for callers outside the service (benchmarks).
export { DEFAULT_CONSIST_RULES, parseConsistRules, type ConsistsByRouteType } from '../gtfs/consists.js';
export { importGtfs, type GtfsImportReport, type GtfsImportSettings } from '../gtfs/import.js';
export { parseGtfsFeed, type GtfsImportOptions, type ImportedFeed } from '../gtfs/parse.js';
export type { GtfsFiles } from '../gtfs/source.js';
export { migrationsDir } from '../service.js';
export { NetworkIndex } from './network-index.js';
export { Timetable, type JourneySearch } from './timetable.js';
