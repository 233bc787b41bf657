import type { SqlClient } from '@railgraph/database';
import type { ServiceCalendar } from '../timetable/calendar.js';
import { localDateOfUtcMidnight, type LocalDate } from '../timetable/local-time.js';
import type { Operator, Station, StopCall, Train } from '../timetable/model.js';
import type { TrainTransfer, Transfer } from '../timetable/transfers.js';

/** The whole stored timetable, read with one query per table (no per-train round trips). */
export interface TimetableSnapshot {
  stations: Station[];
  trains: Train[];
  /** Every feed's transfer rules (change times at stations). */
  transfers: Transfer[];
  /** Every feed's timed and in-seat changes between two trains. */
  trainTransfers: TrainTransfer[];
}

function dateText(value: unknown): LocalDate {
  return value instanceof Date ? localDateOfUtcMidnight(value) : String(value).slice(0, 10);
}

export async function loadTimetableSnapshot(sql: SqlClient): Promise<TimetableSnapshot> {
  const stations = await sql.query<Station & Record<string, unknown>>(
    'SELECT code, name, "timeZone", latitude, longitude FROM "Station"',
  );
  const operators = new Map(
    (await sql.query<Operator & Record<string, unknown>>('SELECT id, name, "timeZone" FROM "Operator"')).map((o) => [
      o.id,
      { id: o.id, name: o.name, timeZone: o.timeZone },
    ]),
  );
  const trainRows = await sql.query<{
    id: string;
    number: string;
    operatorId: string;
    consistId: string;
    departureMinutes: number;
    daysOfWeek: number;
    validFrom: unknown;
    validTo: unknown;
  }>(
    'SELECT id, number, "operatorId", "consistId", "departureMinutes", "daysOfWeek", "validFrom", "validTo" FROM "Train"',
  );
  const exceptions = await sql.query<{ trainId: string; date: unknown; kind: string }>(
    'SELECT "trainId", date, kind::text AS kind FROM "CalendarException"',
  );
  const stops = await sql.query<StopCall & { trainId: string } & Record<string, unknown>>(
    `SELECT "trainId", index, "stationCode", "arrivalOffsetMinutes", "departureOffsetMinutes", "distanceKm", boarding, alighting
     FROM "TrainStop" ORDER BY "trainId", index`,
  );
  const transfers = await sql.query<Transfer & Record<string, unknown>>(
    'SELECT "fromStationCode", "toStationCode", "transferType", "minTransferSeconds" FROM "Transfer"',
  );
  const trainTransfers = await sql.query<TrainTransfer & Record<string, unknown>>(
    'SELECT "fromTrainId", "toTrainId", "stationCode", "transferType" FROM "TrainTransfer"',
  );
  // Trains of one calendar share it, as they share it in the feed.
  const calendars = new Map<string, ServiceCalendar>();
  const exceptionsByTrain = new Map<string, { added: Set<LocalDate>; removed: Set<LocalDate> }>();
  for (const exception of exceptions) {
    let entry = exceptionsByTrain.get(exception.trainId);
    if (!entry) exceptionsByTrain.set(exception.trainId, (entry = { added: new Set(), removed: new Set() }));
    (exception.kind === 'ADDED' ? entry.added : entry.removed).add(dateText(exception.date));
  }
  const stopsByTrain = new Map<string, StopCall[]>();
  for (const { trainId, ...stop } of stops) {
    let list = stopsByTrain.get(trainId);
    if (!list) stopsByTrain.set(trainId, (list = []));
    list.push(stop);
  }
  const trains: Train[] = trainRows.map((row) => {
    const operator = operators.get(row.operatorId);
    if (!operator) throw new Error(`train ${row.id} names operator ${row.operatorId}, which does not exist`);
    const exception = exceptionsByTrain.get(row.id);
    const validFrom = dateText(row.validFrom);
    const validTo = dateText(row.validTo);
    const added = [...(exception?.added ?? [])].sort();
    const removed = [...(exception?.removed ?? [])].sort();
    const key = `${row.daysOfWeek}|${validFrom}|${validTo}|${added.join(',')}|${removed.join(',')}`;
    let calendar = calendars.get(key);
    if (!calendar) {
      calendar = { daysOfWeek: row.daysOfWeek, validFrom, validTo, added: new Set(added), removed: new Set(removed) };
      calendars.set(key, calendar);
    }
    return {
      id: row.id,
      number: row.number,
      operator,
      consistId: row.consistId,
      departureMinutes: row.departureMinutes,
      calendar,
      stops: stopsByTrain.get(row.id) ?? [],
    };
  });
  return {
    stations: stations.map((s) => ({
      code: s.code,
      name: s.name,
      timeZone: s.timeZone,
      latitude: s.latitude,
      longitude: s.longitude,
    })),
    trains,
    transfers: transfers.map((t) => ({
      fromStationCode: t.fromStationCode,
      toStationCode: t.toStationCode,
      transferType: t.transferType,
      minTransferSeconds: t.minTransferSeconds,
    })),
    trainTransfers: trainTransfers.map((t) => ({
      fromTrainId: t.fromTrainId,
      toTrainId: t.toTrainId,
      stationCode: t.stationCode,
      transferType: t.transferType,
    })),
  };
}
