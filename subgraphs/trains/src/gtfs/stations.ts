// Agencies, stops and transfers of a GTFS feed: who runs it, its stations, and change times.
import { isTimeZone } from '../timetable/local-time.js';
import type { Operator, Station } from '../timetable/model.js';
import { stricterTransfer, type Transfer } from '../timetable/transfers.js';
import { GtfsFeedError, type CsvRecord } from './csv.js';
import { fail, needColumns, number, optional, required, value } from './fields.js';
import type { GtfsFiles } from './source.js';

export type { Transfer } from '../timetable/transfers.js';

export interface StopRow {
  stationCode: string;
}

export function readAgencies(files: GtfsFiles): { operators: Map<string, Operator>; timeZone: string } {
  const table = required(files, 'agency.txt');
  needColumns(table, ['agency_name', 'agency_timezone']);
  const operators = new Map<string, Operator>();
  let timeZone: string | null = null;
  for (const row of table.rows()) {
    const id = row.get('agency_id') || value(table, row, 'agency_name');
    const zone = value(table, row, 'agency_timezone');
    if (!isTimeZone(zone)) fail(table, row, `agency_timezone ${JSON.stringify(zone)} is not an IANA time zone`);
    if (timeZone !== null && zone !== timeZone) {
      fail(table, row, `every agency of a feed must share one time zone; ${zone} differs from ${timeZone}`);
    }
    timeZone = zone;
    if (operators.has(id)) fail(table, row, `agency ${id} appears twice`);
    operators.set(id, { id, name: value(table, row, 'agency_name'), timeZone: zone });
  }
  if (timeZone === null) throw new GtfsFeedError(table.file, null, 'no agency');
  return { operators, timeZone };
}

/** Stops become stations; platforms (stops with a parent station) are their station. */
export function readStops(
  files: GtfsFiles,
  agencyZone: string,
): { stations: Map<string, Station>; stops: Map<string, StopRow> } {
  const table = required(files, 'stops.txt');
  needColumns(table, ['stop_id']);
  const rows = [...table.rows()];
  const byId = new Map<string, CsvRecord>();
  for (const row of rows) {
    const id = value(table, row, 'stop_id');
    if (byId.has(id)) fail(table, row, `stop_id ${id} appears twice`);
    byId.set(id, row);
  }
  const stations = new Map<string, Station>();
  const stationOfStop = new Map<string, Station>();
  const codeOwner = new Map<string, string>();
  const stationFor = (row: CsvRecord, depth = 0): Station => {
    const id = row.get('stop_id');
    const known = stationOfStop.get(id);
    if (known) return known;
    const parentId = row.get('parent_station');
    const type = row.get('location_type') || '0';
    if (!['0', '1', '2', '3', '4'].includes(type)) fail(table, row, `location_type must be 0-4; got ${type}`);
    let station: Station;
    if (parentId !== '' && type !== '1') {
      const parent = byId.get(parentId);
      if (!parent) fail(table, row, `parent_station ${parentId} is not a stop of the feed`);
      if (depth > 2) fail(table, row, 'parent_station links go round in a circle');
      station = stationFor(parent, depth + 1);
    } else {
      const code = row.get('stop_code') || id;
      const zone = row.get('stop_timezone') || agencyZone;
      if (!isTimeZone(zone)) fail(table, row, `stop_timezone ${JSON.stringify(zone)} is not an IANA time zone`);
      const owner = codeOwner.get(code);
      if (owner !== undefined) fail(table, row, `station code ${code} is also the code of stop ${owner}`);
      codeOwner.set(code, id);
      station = {
        code,
        name: value(table, row, 'stop_name'),
        timeZone: zone,
        latitude: number(table, row, 'stop_lat', -90, 90),
        longitude: number(table, row, 'stop_lon', -180, 180),
      };
      stations.set(code, station);
    }
    stationOfStop.set(id, station);
    return station;
  };
  const stops = new Map<string, StopRow>();
  for (const row of rows) {
    const type = row.get('location_type') || '0';
    if (type === '0' || type === '1') stops.set(row.get('stop_id'), { stationCode: stationFor(row).code });
  }
  return { stations, stops };
}

export function readTransfers(files: GtfsFiles, stops: Map<string, StopRow>): Transfer[] {
  const table = optional(files, 'transfers.txt');
  if (!table) return [];
  needColumns(table, ['from_stop_id', 'to_stop_id', 'transfer_type']);
  const transfers = new Map<string, Transfer>();
  for (const row of table.rows()) {
    // A rule for particular trips or routes is not a rule for the station: read as one it
    // would allow (timed) or forbid changes between every pair of trains there.
    if (['from_trip_id', 'to_trip_id', 'from_route_id', 'to_route_id'].some((column) => row.get(column) !== '')) {
      continue;
    }
    const from = stops.get(row.get('from_stop_id'));
    const to = stops.get(row.get('to_stop_id'));
    if (!from || !to) continue;
    const type = Number(row.get('transfer_type') || '0');
    if (!Number.isInteger(type) || type < 0 || type > 5) fail(table, row, 'transfer_type must be 0-5');
    const minText = row.get('min_transfer_time');
    const minTransferSeconds = minText === '' ? null : number(table, row, 'min_transfer_time', 0, 86_400);
    const key = `${from.stationCode}\u0000${to.stationCode}`;
    const transfer = {
      fromStationCode: from.stationCode,
      toStationCode: to.stationCode,
      transferType: type,
      minTransferSeconds,
    };
    // Platforms fold into their station: of several rules for one pair, the strictest holds.
    const earlier = transfers.get(key);
    transfers.set(key, earlier ? stricterTransfer(earlier, transfer) : transfer);
  }
  return [...transfers.values()];
}
