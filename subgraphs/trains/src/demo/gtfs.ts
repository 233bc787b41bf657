import type { ServiceCalendar } from '../timetable/calendar.js';
import type { LocalDate } from '../timetable/local-time.js';
import type { Train } from '../timetable/model.js';
import { parseConsistRules, type ConsistsByRouteType } from '../gtfs/consists.js';
import type { GtfsFiles } from '../gtfs/source.js';
import { buildDemoNetwork } from './network.js';

/**
 * The demo network published as GTFS, the way an operator would: one feed per time zone
 * of its agencies (GTFS wants one zone per feed), imported on first start like any other.
 */
export interface DemoFeed {
  /** The name the feed is stored under. */
  operator: string;
  files: GtfsFiles;
}

/** The demo's route types and the consists they stand for (its own rules, as an operator would set them). */
const ROUTE_TYPE_BY_CONSIST: Record<string, number> = {
  'IC-2F6S': 102,
  'IC-1F5S': 103,
  'IC-2F7S': 100,
  'HS-2F8S': 101,
  'IC-1F4S': 106,
  'RE-1F3S': 109,
};

export const DEMO_CONSISTS: ConsistsByRouteType = parseConsistRules(
  [...Object.entries(ROUTE_TYPE_BY_CONSIST).map(([consist, type]) => `${type}=${consist}`), '*=RE-1F3S'].join(','),
);

function csv(columns: string[], rows: Array<Array<string | number>>): string {
  const quote = (value: string | number) => {
    const text = String(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns, ...rows].map((row) => row.map(quote).join(',')).join('\n') + '\n';
}

const gtfsDate = (date: LocalDate) => date.replaceAll('-', '');

/** Minutes after the service day's start as `HH:MM:SS`, hours passing 24 for the next days. */
export function gtfsTime(minutes: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00`;
}

function feedFiles(trains: Train[], today: LocalDate): GtfsFiles {
  const network = buildDemoNetwork(today);
  const operators = [...new Map(trains.map((t) => [t.operator.id, t.operator])).values()];
  const codes = new Set(trains.flatMap((t) => t.stops.map((s) => s.stationCode)));
  const stations = network.stations.filter((s) => codes.has(s.code));
  const serviceIds = new Map<ServiceCalendar, string>();
  const routes = new Map<string, { operator: string; consistId: string }>();
  for (const train of trains) {
    if (!serviceIds.has(train.calendar)) serviceIds.set(train.calendar, `S${serviceIds.size + 1}`);
    routes.set(`${train.operator.id}-${train.consistId}`, { operator: train.operator.id, consistId: train.consistId });
  }
  const days = (calendar: ServiceCalendar) => Array.from({ length: 7 }, (_, day) => (calendar.daysOfWeek >> day) & 1);
  return new Map([
    [
      'agency.txt',
      csv(
        ['agency_id', 'agency_name', 'agency_url', 'agency_timezone'],
        operators.map((o) => [o.id, o.name, `https://${o.id}.example`, o.timeZone]),
      ),
    ],
    [
      'stops.txt',
      csv(
        ['stop_id', 'stop_code', 'stop_name', 'stop_lat', 'stop_lon', 'location_type', 'stop_timezone'],
        stations.map((s) => [s.code, s.code, s.name, s.latitude, s.longitude, 1, s.timeZone]),
      ),
    ],
    [
      'routes.txt',
      csv(
        ['route_id', 'agency_id', 'route_short_name', 'route_type'],
        [...routes].map(([id, route]) => [
          id,
          route.operator,
          route.consistId,
          ROUTE_TYPE_BY_CONSIST[route.consistId] ?? 2,
        ]),
      ),
    ],
    [
      'trips.txt',
      csv(
        ['route_id', 'service_id', 'trip_id', 'trip_short_name'],
        trains.map((t) => [`${t.operator.id}-${t.consistId}`, serviceIds.get(t.calendar) ?? '', t.id, t.number]),
      ),
    ],
    [
      'stop_times.txt',
      csv(
        [
          'trip_id',
          'arrival_time',
          'departure_time',
          'stop_id',
          'stop_sequence',
          'pickup_type',
          'drop_off_type',
          'shape_dist_traveled',
        ],
        trains.flatMap((t) =>
          t.stops.map((s) => {
            const arrival = t.departureMinutes + (s.arrivalOffsetMinutes ?? s.departureOffsetMinutes ?? 0);
            const departure = t.departureMinutes + (s.departureOffsetMinutes ?? s.arrivalOffsetMinutes ?? 0);
            return [
              t.id,
              gtfsTime(arrival),
              gtfsTime(departure),
              s.stationCode,
              s.index + 1,
              s.boarding ? 0 : 1,
              s.alighting ? 0 : 1,
              s.distanceKm,
            ];
          }),
        ),
      ),
    ],
    [
      'calendar.txt',
      csv(
        [
          'service_id',
          'monday',
          'tuesday',
          'wednesday',
          'thursday',
          'friday',
          'saturday',
          'sunday',
          'start_date',
          'end_date',
        ],
        [...serviceIds].map(([calendar, id]) => [
          id,
          ...days(calendar),
          gtfsDate(calendar.validFrom),
          gtfsDate(calendar.validTo),
        ]),
      ),
    ],
    [
      'calendar_dates.txt',
      csv(
        ['service_id', 'date', 'exception_type'],
        [...serviceIds].flatMap(([calendar, id]) => [
          ...[...calendar.added].map((date) => [id, gtfsDate(date), 1]),
          ...[...calendar.removed].map((date) => [id, gtfsDate(date), 2]),
        ]),
      ),
    ],
    [
      'feed_info.txt',
      csv(
        ['feed_publisher_name', 'feed_publisher_url', 'feed_lang', 'feed_version'],
        [['Railgraph demo', 'https://railgraph.example', 'en', today]],
      ),
    ],
  ]);
}

/** The demo network as GTFS feeds, valid from the day before `today` for 90 days. */
export function demoGtfsFeeds(today: LocalDate): DemoFeed[] {
  const network = buildDemoNetwork(today);
  const byZone = new Map<string, Train[]>();
  for (const train of network.trains) {
    const zone = train.operator.timeZone;
    byZone.set(zone, [...(byZone.get(zone) ?? []), train]);
  }
  return [...byZone].map(([zone, trains]) => ({
    operator: `demo-${zone.split('/').pop()?.toLowerCase() ?? 'feed'}`,
    files: feedFiles(trains, today),
  }));
}
