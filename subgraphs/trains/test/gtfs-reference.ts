import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A deliberately plain reading of the hand-written feed, independent of the import: split
 * the text files, then for every trip and service date find the calls at `from` and `to`.
 * Search results must equal what this finds.
 */

export interface ReferenceJourney {
  runId: string;
  fromStop: number;
  toStop: number;
  departure: string;
  arrival: string;
}

function table(dir: string, file: string): Array<Record<string, string>> {
  const [header, ...lines] = readFileSync(path.join(dir, file), 'utf8').trim().split('\n');
  const columns = (header ?? '').split(',');
  return lines.map((line) => {
    const fields = line.split(',').map((f) => f.replace(/^"|"$/g, ''));
    return Object.fromEntries(columns.map((c, i) => [c, fields[i] ?? '']));
  });
}

const seconds = (hms: string) => {
  const [h = 0, m = 0, s = 0] = hms.split(':').map(Number);
  return h * 3600 + m * 60 + s;
};

const clocks = new Map<string, Intl.DateTimeFormat>();

function wallClock(instant: number, timeZone: string): number {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    clocks.set(timeZone, clock);
  }
  const parts = clock.formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
}

/** The instant a wall-clock time happens: the earliest match; in a gap, the time an hour on. */
function instantOfWall(date: string, minutes: number, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  for (let offset = 14 * 60; offset >= -14 * 60; offset -= 15) {
    const candidate = wall - offset * 60_000;
    if (wallClock(candidate, timeZone) === wall) return candidate;
  }
  // In the spring-forward gap the clocks skip an hour: the time an hour later is meant.
  return instantOfWall(date, minutes + 60, timeZone);
}

function localDate(instant: number, timeZone: string): string {
  return new Date(wallClock(instant, timeZone)).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function referenceJourneys(dir: string, from: string, to: string, date: string): ReferenceJourney[] {
  const agencyZone = table(dir, 'agency.txt')[0]?.['agency_timezone'] ?? '';
  const stops = new Map(table(dir, 'stops.txt').map((s) => [s['stop_id'], s]));
  const stationOf = (stopId: string): Record<string, string> => {
    const stop = stops.get(stopId)!;
    return stop['parent_station'] ? stationOf(stop['parent_station']) : stop;
  };
  const codeOf = (stopId: string) => {
    const station = stationOf(stopId);
    return station['stop_code'] || station['stop_id'] || '';
  };
  const zoneOf = (code: string) =>
    [...stops.values()].find((s) => (s['stop_code'] || s['stop_id']) === code)?.['stop_timezone'] || agencyZone;
  const calendars = table(dir, 'calendar.txt');
  const exceptions = table(dir, 'calendar_dates.txt');
  const runs = (service: string, day: string) => {
    const compact = day.replaceAll('-', '');
    const exception = exceptions.find((e) => e['service_id'] === service && e['date'] === compact);
    if (exception) return exception['exception_type'] === '1';
    const calendar = calendars.find((c) => c['service_id'] === service);
    if (!calendar || compact < (calendar['start_date'] ?? '') || compact > (calendar['end_date'] ?? '')) return false;
    const weekday = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][
      new Date(`${day}T00:00:00Z`).getUTCDay()
    ]!;
    return calendar[weekday] === '1';
  };
  const stopTimes = table(dir, 'stop_times.txt');
  const found: ReferenceJourney[] = [];
  for (const trip of table(dir, 'trips.txt')) {
    const calls = stopTimes
      .filter((st) => st['trip_id'] === trip['trip_id'])
      .sort((a, b) => Number(a['stop_sequence']) - Number(b['stop_sequence']));
    const start = seconds(calls[0]?.['departure_time'] ?? '0:0:0');
    for (let i = 0; i < calls.length - 1; i += 1) {
      const board = calls[i]!;
      if (codeOf(board['stop_id']!) !== from || board['pickup_type'] === '1') continue;
      const j = calls.findIndex((c, k) => k > i && codeOf(c['stop_id']!) === to);
      if (j < 0 || calls[j]!['drop_off_type'] === '1') continue;
      for (let back = -1; back <= 3; back += 1) {
        const serviceDate = addDays(date, -back);
        if (!runs(trip['service_id']!, serviceDate)) continue;
        const origin = instantOfWall(serviceDate, Math.floor(start / 60), agencyZone);
        const departure = origin + (seconds(board['departure_time']!) - start) * 1000;
        const arrival = origin + (seconds(calls[j]!['arrival_time']!) - start) * 1000;
        if (localDate(departure, zoneOf(from)) !== date) continue;
        found.push({
          runId: `${trip['trip_id']}:${serviceDate}`,
          fromStop: i,
          toStop: j,
          departure: new Date(departure).toISOString(),
          arrival: new Date(arrival).toISOString(),
        });
      }
    }
  }
  return found.sort(
    (a, b) =>
      a.departure.localeCompare(b.departure) || a.arrival.localeCompare(b.arrival) || a.runId.localeCompare(b.runId),
  );
}
