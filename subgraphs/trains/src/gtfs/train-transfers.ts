// Transfers of a GTFS feed between two particular trips: timed and in-seat changes.
import type { Train } from '../timetable/model.js';
import { TransferType, type TrainTransfer } from '../timetable/transfers.js';
import { fail, optional } from './fields.js';
import type { TripRow } from './services.js';
import type { GtfsFiles } from './source.js';
import type { StopRow } from './stations.js';

/**
 * The rows of transfers.txt naming a `from_trip_id` and a `to_trip_id` with transfer_type 1
 * (timed: the second train waits) or 4 (in-seat), as changes between two trains at a
 * station. An in-seat row may leave out its stops: the change is then where the first trip
 * ends. Rows naming a trip the feed does not have are refused; rows whose trains do not
 * both call at the station (the first setting down, the second picking up) are left out.
 */
export function readTrainTransfers(
  files: GtfsFiles,
  stops: ReadonlyMap<string, StopRow>,
  trips: ReadonlyMap<string, TripRow>,
  trainsById: ReadonlyMap<string, Train>,
): TrainTransfer[] {
  const table = optional(files, 'transfers.txt');
  if (!table) return [];
  const found = new Map<string, TrainTransfer>();
  for (const row of table.rows()) {
    const fromTripId = row.get('from_trip_id');
    const toTripId = row.get('to_trip_id');
    const transferType = Number(row.get('transfer_type') || '0');
    if (fromTripId === '' || toTripId === '') continue;
    if (transferType !== TransferType.TIMED && transferType !== TransferType.IN_SEAT) continue;
    const fromTrip = trips.get(fromTripId);
    const toTrip = trips.get(toTripId);
    if (!fromTrip) fail(table, row, `from_trip_id ${fromTripId} is not a trip of the feed`);
    if (!toTrip) fail(table, row, `to_trip_id ${toTripId} is not a trip of the feed`);
    const fromTrain = trainsById.get(fromTrip.trainId)!;
    const toTrain = trainsById.get(toTrip.trainId)!;
    const stopId = row.get('from_stop_id');
    const stationCode = stopId === '' ? fromTrain.stops.at(-1)?.stationCode : stops.get(stopId)?.stationCode;
    if (stationCode === undefined) continue;
    const setsDown = fromTrain.stops.some((s) => s.stationCode === stationCode && s.alighting);
    const picksUp = toTrain.stops.some((s) => s.stationCode === stationCode && s.boarding);
    if (!setsDown || !picksUp) continue;
    found.set(`${fromTrain.id}\u0000${toTrain.id}\u0000${stationCode}`, {
      fromTrainId: fromTrain.id,
      toTrainId: toTrain.id,
      stationCode,
      transferType,
    });
  }
  return [...found.values()];
}
