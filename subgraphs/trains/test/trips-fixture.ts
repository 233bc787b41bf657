import { parseConsistRules, DEFAULT_CONSIST_RULES } from '../src/gtfs/consists.js';
import { parseGtfsFeed } from '../src/gtfs/parse.js';
import { gtfsFilesFromText, type GtfsFiles } from '../src/gtfs/source.js';
import { NetworkIndex } from '../src/timetable/network-index.js';
import type { CancelledRunCheck } from '../src/timetable/cancelled.js';
import { Timetable, type TimetableSettings } from '../src/timetable/timetable.js';

/** One call of a hand-made trip: stop, arrival, departure (GTFS `HH:MM:SS`, may pass 24:00), pickup/drop-off rules. */
export type Call = [
  stop: string,
  arrival: string,
  departure: string,
  rules?: { noPickup?: boolean; noDropOff?: boolean },
];

export interface HandTrip {
  id: string;
  /** A service of `calendar`; DAILY by default. */
  service?: string;
  calls: Call[];
}

export interface HandFeed {
  /** Stop ids; `X-1` style ids with a parent are platforms of `X` (give the parent too). */
  stops: Array<string | { id: string; parent?: string; station?: boolean }>;
  trips: HandTrip[];
  /**
   * Lines of transfers.txt: `from_stop_id,to_stop_id,transfer_type,min_transfer_time`,
   * optionally followed by `,from_trip_id,to_trip_id`.
   */
  transfers?: string[];
  timeZone?: string;
  /** Extra calendar lines after DAILY. */
  calendar?: string[];
  calendarDates?: string[];
}

export const consists = parseConsistRules(DEFAULT_CONSIST_RULES);

/** A GTFS feed from a compact description: one agency, one route per trip, calendars from March to November 2026. */
export function handFeed(feed: HandFeed): GtfsFiles {
  const zone = feed.timeZone ?? 'Europe/London';
  const stops = feed.stops.map((s) => (typeof s === 'string' ? { id: s } : s));
  const texts = {
    'agency.txt': `agency_id,agency_name,agency_url,agency_timezone\nHR,Hand Rail,https://hand.example,${zone}\n`,
    'stops.txt': [
      'stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station',
      ...stops.map((s, i) => `${s.id},Station ${s.id},${50 + i / 10},${i / 10},${s.station ? 1 : 0},${s.parent ?? ''}`),
    ].join('\n'),
    'routes.txt': [
      'route_id,agency_id,route_short_name,route_type',
      ...feed.trips.map((t) => `R${t.id},HR,${t.id},2`),
    ].join('\n'),
    'trips.txt': [
      'route_id,service_id,trip_id,trip_short_name',
      ...feed.trips.map((t) => `R${t.id},${t.service ?? 'DAILY'},${t.id},HR ${t.id}`),
    ].join('\n'),
    'stop_times.txt': [
      'trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type',
      ...feed.trips.flatMap((t) =>
        t.calls.map(
          ([stop, arrival, departure, rules], i) =>
            `${t.id},${arrival},${departure},${stop},${i + 1},${rules?.noPickup ? 1 : 0},${rules?.noDropOff ? 1 : 0}`,
        ),
      ),
    ].join('\n'),
    'calendar.txt': [
      'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date',
      'DAILY,1,1,1,1,1,1,1,20260301,20261130',
      ...(feed.calendar ?? []),
    ].join('\n'),
    ...(feed.calendarDates
      ? { 'calendar_dates.txt': ['service_id,date,exception_type', ...feed.calendarDates].join('\n') }
      : {}),
    ...(feed.transfers
      ? {
          'transfers.txt': [
            'from_stop_id,to_stop_id,transfer_type,min_transfer_time,from_trip_id,to_trip_id',
            ...feed.transfers.map((line) => (line.split(',').length === 4 ? `${line},,` : line)),
          ].join('\n'),
        }
      : {}),
  };
  return gtfsFilesFromText(texts);
}

/** The timetable a service would serve for the feed, without a database. */
export function timetableOf(
  files: GtfsFiles,
  settings: TimetableSettings = { minChangeMinutes: 5 },
  cancelled?: CancelledRunCheck,
): Timetable {
  const feed = parseGtfsFeed(files, { consists });
  return new Timetable(
    new NetworkIndex(feed.timetable.stations, feed.timetable.trains, feed.transfers, feed.trainTransfers),
    () => undefined,
    settings,
    cancelled,
  );
}
