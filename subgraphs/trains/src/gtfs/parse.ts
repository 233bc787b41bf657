import { createHash } from 'node:crypto';
import type { ConsistSpec } from '../consist/layout.js';
import type { ServiceCalendar } from '../timetable/calendar.js';
import type { TimetableFeed } from '../timetable/feed.js';
import { roundKm } from '../timetable/journey.js';
import { isLocalDate, isTimeZone, type LocalDate } from '../timetable/local-time.js';
import type { Operator, Station, StopCall, Train } from '../timetable/model.js';
import { isTrainId } from '../timetable/run-id.js';
import { consistForRouteType, type ConsistsByRouteType } from './consists.js';
import { GtfsFeedError, parseCsv, type CsvRecord, type CsvTable } from './csv.js';
import type { GtfsFileName, GtfsFiles } from './source.js';

/** A minimum change time between two stations (GTFS transfers), kept for connection search. */
export interface Transfer {
  fromStationCode: string;
  toStationCode: string;
  /** GTFS transfer_type: 0 recommended, 1 timed, 2 minimum time, 3 not possible. */
  transferType: number;
  minTransferSeconds: number | null;
}

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
  stopTimeCount: number;
}

export interface GtfsImportOptions {
  /** Name the feed is stored (and later replaced) under. */
  operator?: string | undefined;
  consists: ConsistsByRouteType;
  /** Told as large files are read, e.g. every 100,000 stop times. */
  onProgress?: (file: string, rows: number) => void;
}

const PROGRESS_EVERY = 100_000;
const EARTH_RADIUS_KM = 6371;
/** Above this ratio to the great-circle distance, shape_dist_traveled must be in metres. */
const METRES_RATIO = 50;

function required(files: GtfsFiles, name: GtfsFileName): CsvTable {
  const text = files.get(name);
  if (text === undefined) throw new GtfsFeedError(name, null, 'the feed has no such file, and it is required');
  return parseCsv(name, text);
}

function optional(files: GtfsFiles, name: GtfsFileName): CsvTable | null {
  const text = files.get(name);
  return text === undefined ? null : parseCsv(name, text);
}

function needColumns(table: CsvTable, columns: readonly string[]): void {
  for (const column of columns) {
    if (!table.has(column)) throw new GtfsFeedError(table.file, 1, `the header has no ${column} column`);
  }
}

function fail(table: CsvTable, row: CsvRecord, reason: string): never {
  throw new GtfsFeedError(table.file, row.line, reason);
}

function value(table: CsvTable, row: CsvRecord, column: string): string {
  const text = row.get(column);
  if (text === '') fail(table, row, `${column} is empty`);
  return text;
}

function number(table: CsvTable, row: CsvRecord, column: string, min: number, max: number): number {
  const text = value(table, row, column);
  const parsed = Number(text);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    fail(table, row, `${column} must be a number from ${min} to ${max}; got ${JSON.stringify(text)}`);
  }
  return parsed;
}

function gtfsDate(table: CsvTable, row: CsvRecord, column: string): LocalDate {
  const text = value(table, row, column);
  const date = /^\d{8}$/.test(text) ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}` : text;
  if (!isLocalDate(date)) fail(table, row, `${column} must be a real YYYYMMDD date; got ${JSON.stringify(text)}`);
  return date;
}

const timePattern = /^(\d{1,3}):([0-5]\d):([0-5]\d)$/;

/** `HH:MM:SS` (hours may pass 24) as whole minutes after the service day's start; seconds are dropped. */
function gtfsMinutes(table: CsvTable, row: CsvRecord, column: string): number | null {
  const text = row.get(column);
  if (text === '') return null;
  const match = timePattern.exec(text);
  if (!match) fail(table, row, `${column} must be HH:MM:SS; got ${JSON.stringify(text)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function greatCircleKm(a: Station, b: Station): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, h)));
}

/** A GTFS trip id as a train id: itself when it is a plain token, else a token with a hash that keeps it unique. */
export function trainIdForTrip(tripId: string): string {
  if (isTrainId(tripId)) return tripId;
  const hash = createHash('sha256').update(tripId).digest('hex').slice(0, 8);
  const token = tripId.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return `${token.slice(0, 55)}.${hash}`.replace(/^\./, `t${hash}.`);
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

interface StopRow {
  stationCode: string;
}

function readAgencies(files: GtfsFiles): { operators: Map<string, Operator>; timeZone: string } {
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
function readStops(
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

const dayColumns = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

function readCalendars(files: GtfsFiles): Map<string, ServiceCalendar> {
  const calendars = new Map<
    string,
    { daysOfWeek: number; validFrom: LocalDate; validTo: LocalDate; added: Set<LocalDate>; removed: Set<LocalDate> }
  >();
  const weekly = optional(files, 'calendar.txt');
  const exceptions = optional(files, 'calendar_dates.txt');
  if (!weekly && !exceptions) {
    throw new GtfsFeedError('calendar.txt', null, 'the feed has neither calendar.txt nor calendar_dates.txt');
  }
  if (weekly) {
    needColumns(weekly, ['service_id', ...dayColumns, 'start_date', 'end_date']);
    for (const row of weekly.rows()) {
      const id = value(weekly, row, 'service_id');
      if (calendars.has(id)) fail(weekly, row, `service_id ${id} appears twice`);
      let daysOfWeek = 0;
      dayColumns.forEach((column, day) => {
        const flag = row.get(column);
        if (flag !== '0' && flag !== '1') fail(weekly, row, `${column} must be 0 or 1; got ${JSON.stringify(flag)}`);
        if (flag === '1') daysOfWeek |= 1 << day;
      });
      const validFrom = gtfsDate(weekly, row, 'start_date');
      const validTo = gtfsDate(weekly, row, 'end_date');
      if (validTo < validFrom) fail(weekly, row, `end_date ${validTo} is before start_date ${validFrom}`);
      calendars.set(id, { daysOfWeek, validFrom, validTo, added: new Set(), removed: new Set() });
    }
  }
  if (exceptions) {
    needColumns(exceptions, ['service_id', 'date', 'exception_type']);
    for (const row of exceptions.rows()) {
      const id = value(exceptions, row, 'service_id');
      const date = gtfsDate(exceptions, row, 'date');
      const kind = row.get('exception_type');
      if (kind !== '1' && kind !== '2')
        fail(exceptions, row, `exception_type must be 1 (added) or 2 (removed); got ${JSON.stringify(kind)}`);
      let calendar = calendars.get(id);
      if (!calendar) {
        // A service given only by its dates: no weekly pattern, valid over the dates it names.
        calendar = { daysOfWeek: 0, validFrom: date, validTo: date, added: new Set(), removed: new Set() };
        calendars.set(id, calendar);
      }
      if (calendar.daysOfWeek === 0) {
        if (date < calendar.validFrom) calendar.validFrom = date;
        if (date > calendar.validTo) calendar.validTo = date;
      }
      if (calendar.added.has(date) || calendar.removed.has(date))
        fail(exceptions, row, `service ${id} has ${date} twice`);
      (kind === '1' ? calendar.added : calendar.removed).add(date);
    }
  }
  return calendars;
}

interface RouteRow {
  operator: Operator;
  shortName: string;
  consistId: string;
}

function readRoutes(
  files: GtfsFiles,
  operators: Map<string, Operator>,
  consists: ConsistsByRouteType,
): Map<string, RouteRow> {
  const table = required(files, 'routes.txt');
  needColumns(table, ['route_id', 'route_type']);
  const routes = new Map<string, RouteRow>();
  const [onlyOperator] = operators.values();
  for (const row of table.rows()) {
    const id = value(table, row, 'route_id');
    if (routes.has(id)) fail(table, row, `route_id ${id} appears twice`);
    const agencyId = row.get('agency_id');
    const operator = agencyId === '' && operators.size === 1 ? onlyOperator : operators.get(agencyId);
    if (!operator) {
      fail(
        table,
        row,
        agencyId === ''
          ? 'agency_id is empty and the feed has several agencies'
          : `agency_id ${agencyId} is not in agency.txt`,
      );
    }
    const routeType = value(table, row, 'route_type');
    if (!/^\d+$/.test(routeType))
      fail(table, row, `route_type must be a whole number; got ${JSON.stringify(routeType)}`);
    routes.set(id, {
      operator,
      shortName: row.get('route_short_name'),
      consistId: consistForRouteType(consists, Number(routeType)),
    });
  }
  return routes;
}

interface TripRow {
  line: number;
  trainId: string;
  number: string;
  route: RouteRow;
  calendar: ServiceCalendar;
}

function readTrips(
  files: GtfsFiles,
  routes: Map<string, RouteRow>,
  calendars: Map<string, ServiceCalendar>,
): Map<string, TripRow> {
  const table = required(files, 'trips.txt');
  needColumns(table, ['route_id', 'service_id', 'trip_id']);
  const trips = new Map<string, TripRow>();
  const trainIds = new Map<string, string>();
  for (const row of table.rows()) {
    const tripId = value(table, row, 'trip_id');
    if (trips.has(tripId)) fail(table, row, `trip_id ${tripId} appears twice`);
    const routeId = value(table, row, 'route_id');
    const route = routes.get(routeId);
    if (!route) fail(table, row, `route_id ${routeId} is not in routes.txt`);
    const serviceId = value(table, row, 'service_id');
    const calendar = calendars.get(serviceId);
    if (!calendar) fail(table, row, `service_id ${serviceId} is in neither calendar.txt nor calendar_dates.txt`);
    const trainId = trainIdForTrip(tripId);
    const clash = trainIds.get(trainId);
    if (clash !== undefined) fail(table, row, `trip_id ${tripId} maps to the same train id as ${clash}`);
    trainIds.set(trainId, tripId);
    const number = row.get('trip_short_name') || [route.shortName, tripId].filter(Boolean).join(' ');
    trips.set(tripId, { line: row.line, trainId, number, route, calendar });
  }
  return trips;
}

interface RawCall {
  line: number;
  sequence: number;
  stationCode: string;
  arrival: number;
  departure: number;
  boarding: boolean;
  alighting: boolean;
  shapeKm: number | null;
}

function pickupOrDropOff(table: CsvTable, row: CsvRecord, column: string): boolean {
  const flag = row.get(column);
  if (flag === '' || flag === '0' || flag === '2' || flag === '3') return true;
  if (flag === '1') return false;
  fail(table, row, `${column} must be 0-3; got ${JSON.stringify(flag)}`);
}

function readStopTimes(
  files: GtfsFiles,
  trips: Map<string, TripRow>,
  stops: Map<string, StopRow>,
  onProgress: GtfsImportOptions['onProgress'],
): { callsByTrip: Map<string, RawCall[]>; count: number } {
  const table = required(files, 'stop_times.txt');
  needColumns(table, ['trip_id', 'stop_id', 'stop_sequence', 'arrival_time', 'departure_time']);
  const callsByTrip = new Map<string, RawCall[]>();
  const hasShape = table.has('shape_dist_traveled');
  let count = 0;
  for (const row of table.rows()) {
    const tripId = value(table, row, 'trip_id');
    if (!trips.has(tripId)) fail(table, row, `trip_id ${tripId} is not in trips.txt`);
    const stopId = value(table, row, 'stop_id');
    const stop = stops.get(stopId);
    if (!stop) fail(table, row, `stop_id ${stopId} is not a stop or station in stops.txt`);
    const sequence = number(table, row, 'stop_sequence', 0, Number.MAX_SAFE_INTEGER);
    if (!Number.isInteger(sequence)) fail(table, row, 'stop_sequence must be a whole number');
    const arrivalTime = gtfsMinutes(table, row, 'arrival_time');
    const departureTime = gtfsMinutes(table, row, 'departure_time');
    const arrival = arrivalTime ?? departureTime;
    const departure = departureTime ?? arrivalTime;
    if (arrival === null || departure === null)
      fail(table, row, 'arrival_time and departure_time are both empty; untimed stops are not supported');
    if (departure < arrival) fail(table, row, 'departure_time is before arrival_time');
    const shapeText = hasShape ? row.get('shape_dist_traveled') : '';
    const shapeKm = shapeText === '' ? null : number(table, row, 'shape_dist_traveled', 0, Number.MAX_SAFE_INTEGER);
    let calls = callsByTrip.get(tripId);
    if (!calls) callsByTrip.set(tripId, (calls = []));
    calls.push({
      line: row.line,
      sequence,
      stationCode: stop.stationCode,
      arrival,
      departure,
      boarding: pickupOrDropOff(table, row, 'pickup_type'),
      alighting: pickupOrDropOff(table, row, 'drop_off_type'),
      shapeKm,
    });
    count += 1;
    if (count % PROGRESS_EVERY === 0) onProgress?.(table.file, count);
  }
  onProgress?.(table.file, count);
  return { callsByTrip, count };
}

/** A trip's calls as a stop pattern: offsets from the origin departure and cumulative distances. */
function stopPattern(calls: RawCall[], stations: Map<string, Station>): StopCall[] {
  calls.sort((a, b) => a.sequence - b.sequence);
  const fail = (call: RawCall, reason: string): never => {
    throw new GtfsFeedError('stop_times.txt', call.line, reason);
  };
  for (let i = 1; i < calls.length; i += 1) {
    const previous = calls[i - 1]!;
    const call = calls[i]!;
    if (call.sequence === previous.sequence) fail(call, `stop_sequence ${call.sequence} appears twice in the trip`);
    if (call.arrival < previous.departure) fail(call, 'arrival_time is before the departure from the previous stop');
  }
  const origin = calls[0]!.departure;
  const withShape = calls.every((c) => c.shapeKm !== null);
  const greatCircle: number[] = [0];
  for (let i = 1; i < calls.length; i += 1) {
    const from = stations.get(calls[i - 1]!.stationCode)!;
    const to = stations.get(calls[i]!.stationCode)!;
    greatCircle.push(greatCircle[i - 1]! + greatCircleKm(from, to));
  }
  let scale = 1;
  if (withShape) {
    const shapeSpan = calls.at(-1)!.shapeKm! - calls[0]!.shapeKm!;
    if (greatCircle.at(-1)! > 0 && shapeSpan / greatCircle.at(-1)! > METRES_RATIO) scale = 1 / 1000;
    for (let i = 1; i < calls.length; i += 1) {
      if (calls[i]!.shapeKm! < calls[i - 1]!.shapeKm!) fail(calls[i]!, 'shape_dist_traveled decreases along the trip');
    }
  }
  const last = calls.length - 1;
  return calls.map((call, index) => ({
    index,
    stationCode: call.stationCode,
    arrivalOffsetMinutes: index === 0 ? null : call.arrival - origin,
    departureOffsetMinutes: index === last ? null : call.departure - origin,
    distanceKm: roundKm(withShape ? (call.shapeKm! - calls[0]!.shapeKm!) * scale : greatCircle[index]!),
    boarding: index !== last && call.boarding,
    alighting: index !== 0 && call.alighting,
  }));
}

function readTransfers(files: GtfsFiles, stops: Map<string, StopRow>): Transfer[] {
  const table = optional(files, 'transfers.txt');
  if (!table) return [];
  needColumns(table, ['from_stop_id', 'to_stop_id', 'transfer_type']);
  const transfers = new Map<string, Transfer>();
  for (const row of table.rows()) {
    // Transfers between trips or routes refine these; connection search needs the station pairs.
    const from = stops.get(row.get('from_stop_id'));
    const to = stops.get(row.get('to_stop_id'));
    if (!from || !to) continue;
    const type = Number(row.get('transfer_type') || '0');
    if (!Number.isInteger(type) || type < 0 || type > 5) fail(table, row, 'transfer_type must be 0-5');
    const minText = row.get('min_transfer_time');
    const minTransferSeconds = minText === '' ? null : number(table, row, 'min_transfer_time', 0, 86_400);
    transfers.set(`${from.stationCode}\u0000${to.stationCode}`, {
      fromStationCode: from.stationCode,
      toStationCode: to.stationCode,
      transferType: type,
      minTransferSeconds,
    });
  }
  return [...transfers.values()];
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
    stopTimeCount: count,
  };
}
