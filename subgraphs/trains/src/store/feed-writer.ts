import type { SqlClient } from '@railgraph/database';
import type { ImportedFeed } from '../gtfs/parse.js';
import { GtfsFeedError } from '../gtfs/csv.js';

/** What an import did: nothing (same feed again), a first import, or a newer version replacing an older. */
export interface FeedImportResult {
  feedId: string;
  outcome: 'unchanged' | 'imported' | 'replaced';
  trains: number;
  stopTimes: number;
}

export interface FeedWriteOptions {
  /** Told after each batch of stop times is written. */
  onProgress?: (stopTimesWritten: number, stopTimesTotal: number) => void;
}

const TRAIN_BATCH = 5_000;
const STOP_BATCH = 20_000;

/** Key of the advisory lock that serialises imports. */
const IMPORT_LOCK = 72707370;

function* batches<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/**
 * Replaces the timetable stored under `feed.id` with `feed`, in one transaction: either the
 * whole new timetable is there afterwards or the old one is untouched. Other feeds' trains
 * and operators are never touched; stations are shared, so they are added or updated. The
 * same feed content again is recognised by its checksum and changes nothing.
 */
export async function writeImportedFeed(
  sql: SqlClient,
  feed: ImportedFeed,
  options: FeedWriteOptions = {},
): Promise<FeedImportResult> {
  const { timetable } = feed;
  const stopTimes = timetable.trains.reduce((sum, train) => sum + train.stops.length, 0);
  const result = { feedId: feed.id, trains: timetable.trains.length, stopTimes };
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
    const [previous] = await tx.query<{ checksum: string }>('SELECT checksum FROM "Feed" WHERE id = $1', [feed.id]);
    if (previous?.checksum === feed.checksum) return { ...result, outcome: 'unchanged' as const };

    const operatorIds = timetable.operators.map((o) => o.id);
    const [foreignOperator] = await tx.query<{ id: string; feedId: string | null }>(
      'SELECT id, "feedId" FROM "Operator" WHERE id = ANY($1::text[]) AND "feedId" IS DISTINCT FROM $2 LIMIT 1',
      [operatorIds, feed.id],
    );
    if (foreignOperator) {
      throw new GtfsFeedError(
        'agency.txt',
        null,
        `agency ${foreignOperator.id} belongs to feed ${foreignOperator.feedId ?? '(unnamed)'}; import this feed under that operator name or rename the agency`,
      );
    }
    const [foreignTrain] = await tx.query<{ id: string; feedId: string | null }>(
      'SELECT id, "feedId" FROM "Train" WHERE id = ANY($1::text[]) AND "feedId" IS DISTINCT FROM $2 LIMIT 1',
      [timetable.trains.map((t) => t.id), feed.id],
    );
    if (foreignTrain) {
      throw new GtfsFeedError(
        'trips.txt',
        null,
        `train ${foreignTrain.id} already belongs to feed ${foreignTrain.feedId ?? '(unnamed)'}; trip ids must be unique across feeds`,
      );
    }

    // Deleting the feed row cascades to its operators, trains (with their stops and calendar dates) and transfers
    // (between stations and between trains).
    await tx.query('DELETE FROM "Train" WHERE "feedId" = $1', [feed.id]);
    await tx.query('DELETE FROM "Feed" WHERE id = $1', [feed.id]);
    await tx.query('INSERT INTO "Feed" (id, version, checksum) VALUES ($1, $2, $3)', [
      feed.id,
      feed.version,
      feed.checksum,
    ]);

    const stations = timetable.stations;
    await tx.query(
      `INSERT INTO "Station" (code, name, "timeZone", latitude, longitude)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[])
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, "timeZone" = EXCLUDED."timeZone",
         latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude`,
      [
        stations.map((s) => s.code),
        stations.map((s) => s.name),
        stations.map((s) => s.timeZone),
        stations.map((s) => s.latitude),
        stations.map((s) => s.longitude),
      ],
    );
    await tx.query(
      `INSERT INTO "Consist" (id, coaches) SELECT * FROM unnest($1::text[], $2::jsonb[]) ON CONFLICT (id) DO NOTHING`,
      [timetable.consists.map((c) => c.id), timetable.consists.map((c) => JSON.stringify(c.coaches))],
    );
    await tx.query(
      `INSERT INTO "Operator" (id, name, "timeZone", "feedId") SELECT *, $4 FROM unnest($1::text[], $2::text[], $3::text[])`,
      [
        timetable.operators.map((o) => o.id),
        timetable.operators.map((o) => o.name),
        timetable.operators.map((o) => o.timeZone),
        feed.id,
      ],
    );
    for (const trains of batches(timetable.trains, TRAIN_BATCH)) {
      await tx.query(
        `INSERT INTO "Train" (id, number, "operatorId", "consistId", "departureMinutes", "daysOfWeek", "validFrom", "validTo", "feedId")
         SELECT *, $9 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::date[], $8::date[])`,
        [
          trains.map((t) => t.id),
          trains.map((t) => t.number),
          trains.map((t) => t.operator.id),
          trains.map((t) => t.consistId),
          trains.map((t) => t.departureMinutes),
          trains.map((t) => t.calendar.daysOfWeek),
          trains.map((t) => t.calendar.validFrom),
          trains.map((t) => t.calendar.validTo),
          feed.id,
        ],
      );
      const exceptions = trains.flatMap((t) => [
        ...[...t.calendar.added].map((date) => [t.id, date, 'ADDED'] as const),
        ...[...t.calendar.removed].map((date) => [t.id, date, 'REMOVED'] as const),
      ]);
      if (exceptions.length > 0) {
        await tx.query(
          `INSERT INTO "CalendarException" ("trainId", date, kind)
           SELECT t, d, k::"CalendarExceptionKind" FROM unnest($1::text[], $2::date[], $3::text[]) AS x(t, d, k)`,
          [exceptions.map((e) => e[0]), exceptions.map((e) => e[1]), exceptions.map((e) => e[2])],
        );
      }
    }
    const stops = timetable.trains.flatMap((train) => train.stops.map((stop) => ({ trainId: train.id, stop })));
    let written = 0;
    for (const batch of batches(stops, STOP_BATCH)) {
      await tx.query(
        `INSERT INTO "TrainStop" ("trainId", index, "stationCode", "arrivalOffsetMinutes", "departureOffsetMinutes", "distanceKm", boarding, alighting)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::int[], $6::float8[], $7::bool[], $8::bool[])`,
        [
          batch.map((s) => s.trainId),
          batch.map((s) => s.stop.index),
          batch.map((s) => s.stop.stationCode),
          batch.map((s) => s.stop.arrivalOffsetMinutes),
          batch.map((s) => s.stop.departureOffsetMinutes),
          batch.map((s) => s.stop.distanceKm),
          batch.map((s) => s.stop.boarding),
          batch.map((s) => s.stop.alighting),
        ],
      );
      written += batch.length;
      options.onProgress?.(written, stopTimes);
    }
    if (feed.transfers.length > 0) {
      await tx.query(
        `INSERT INTO "Transfer" ("feedId", "fromStationCode", "toStationCode", "transferType", "minTransferSeconds")
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[])`,
        [
          feed.id,
          feed.transfers.map((t) => t.fromStationCode),
          feed.transfers.map((t) => t.toStationCode),
          feed.transfers.map((t) => t.transferType),
          feed.transfers.map((t) => t.minTransferSeconds),
        ],
      );
    }
    if (feed.trainTransfers.length > 0) {
      await tx.query(
        `INSERT INTO "TrainTransfer" ("feedId", "fromTrainId", "toTrainId", "stationCode", "transferType")
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[])`,
        [
          feed.id,
          feed.trainTransfers.map((t) => t.fromTrainId),
          feed.trainTransfers.map((t) => t.toTrainId),
          feed.trainTransfers.map((t) => t.stationCode),
          feed.trainTransfers.map((t) => t.transferType),
        ],
      );
    }
    return { ...result, outcome: previous ? ('replaced' as const) : ('imported' as const) };
  });
}
