// Stop times of a GTFS feed: each trip's calls, as a stop pattern of offsets and distances.
import { roundKm } from '../timetable/journey.js';
import type { Station, StopCall } from '../timetable/model.js';
import { GtfsFeedError, type CsvRecord, type CsvTable } from './csv.js';
import { fail, gtfsMinutes, needColumns, number, required, value } from './fields.js';
import type { TripRow } from './services.js';
import type { GtfsFiles } from './source.js';
import type { StopRow } from './stations.js';

/** Told as large files are read, e.g. every 100,000 stop times. */
export type GtfsProgress = (file: string, rows: number) => void;

const PROGRESS_EVERY = 100_000;
const EARTH_RADIUS_KM = 6371;
/** Above this ratio to the great-circle distance, shape_dist_traveled must be in metres. */
const METRES_RATIO = 50;

function greatCircleKm(a: Station, b: Station): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, h)));
}

export interface RawCall {
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

export function readStopTimes(
  files: GtfsFiles,
  trips: Map<string, TripRow>,
  stops: Map<string, StopRow>,
  onProgress: GtfsProgress | undefined,
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
export function stopPattern(calls: RawCall[], stations: Map<string, Station>): StopCall[] {
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
