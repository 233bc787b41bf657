import { consistSpecFromId, type ConsistSpec } from '../consist/layout.js';
import { EVERY_DAY, WEEKDAYS, type ServiceCalendar } from '../timetable/calendar.js';
import { addDays, dayOfWeek, type LocalDate } from '../timetable/local-time.js';
import type { TimetableFeed } from '../timetable/feed.js';
import type { Operator, Station, StopCall, Train } from '../timetable/model.js';
import { roundKm } from '../timetable/journey.js';

/**
 * The demo network: six lines in Great Britain and the Low Countries plus a cross-Channel
 * service, in four time zones. Generated from the date it is seeded on, so its calendars
 * are always current; everything else is fixed, so two builds for one date are equal.
 */

/** Calendars start the day before seeding and run this many days. */
export const DEMO_VALIDITY_DAYS = 90;

const operators = {
  albion: { id: 'albion', name: 'Albion Intercity', timeZone: 'Europe/London' },
  western: { id: 'western', name: 'Western Rail', timeZone: 'Europe/London' },
  channel: { id: 'channel', name: 'Channel Link', timeZone: 'Europe/London' },
  lowlands: { id: 'lowlands', name: 'Lowlands Rail', timeZone: 'Europe/Amsterdam' },
} satisfies Record<string, Operator>;

const LONDON = 'Europe/London';
const PARIS = 'Europe/Paris';
const BRUSSELS = 'Europe/Brussels';
const AMSTERDAM = 'Europe/Amsterdam';

const stations: Station[] = [
  // East Coast
  { code: 'KGX', name: 'London Kings Cross', timeZone: LONDON, latitude: 51.5308, longitude: -0.1238 },
  { code: 'SVG', name: 'Stevenage', timeZone: LONDON, latitude: 51.9017, longitude: -0.2072 },
  { code: 'PBO', name: 'Peterborough', timeZone: LONDON, latitude: 52.5748, longitude: -0.2501 },
  { code: 'GRA', name: 'Grantham', timeZone: LONDON, latitude: 52.9064, longitude: -0.6424 },
  { code: 'NNG', name: 'Newark North Gate', timeZone: LONDON, latitude: 53.0814, longitude: -0.7997 },
  { code: 'DON', name: 'Doncaster', timeZone: LONDON, latitude: 53.522, longitude: -1.1397 },
  { code: 'YRK', name: 'York', timeZone: LONDON, latitude: 53.958, longitude: -1.0931 },
  { code: 'DAR', name: 'Darlington', timeZone: LONDON, latitude: 54.5198, longitude: -1.5475 },
  { code: 'DHM', name: 'Durham', timeZone: LONDON, latitude: 54.7793, longitude: -1.5817 },
  { code: 'NCL', name: 'Newcastle', timeZone: LONDON, latitude: 54.9683, longitude: -1.6173 },
  { code: 'EDB', name: 'Edinburgh Waverley', timeZone: LONDON, latitude: 55.9521, longitude: -3.1892 },
  // Great Western
  { code: 'PAD', name: 'London Paddington', timeZone: LONDON, latitude: 51.5154, longitude: -0.1755 },
  { code: 'RDG', name: 'Reading', timeZone: LONDON, latitude: 51.4587, longitude: -0.9718 },
  { code: 'SWI', name: 'Swindon', timeZone: LONDON, latitude: 51.5655, longitude: -1.7855 },
  { code: 'BPW', name: 'Bristol Parkway', timeZone: LONDON, latitude: 51.5138, longitude: -2.5425 },
  { code: 'NWP', name: 'Newport (South Wales)', timeZone: LONDON, latitude: 51.5888, longitude: -2.999 },
  { code: 'CDF', name: 'Cardiff Central', timeZone: LONDON, latitude: 51.476, longitude: -3.1791 },
  // West Coast
  { code: 'EUS', name: 'London Euston', timeZone: LONDON, latitude: 51.5282, longitude: -0.1337 },
  { code: 'MKC', name: 'Milton Keynes Central', timeZone: LONDON, latitude: 52.0341, longitude: -0.7743 },
  { code: 'RUG', name: 'Rugby', timeZone: LONDON, latitude: 52.379, longitude: -1.2505 },
  { code: 'BHM', name: 'Birmingham New Street', timeZone: LONDON, latitude: 52.4778, longitude: -1.899 },
  { code: 'WVH', name: 'Wolverhampton', timeZone: LONDON, latitude: 52.5876, longitude: -2.1196 },
  { code: 'CRE', name: 'Crewe', timeZone: LONDON, latitude: 53.0893, longitude: -2.4331 },
  { code: 'MAN', name: 'Manchester Piccadilly', timeZone: LONDON, latitude: 53.4774, longitude: -2.2309 },
  // Cross-Channel
  { code: 'STP', name: 'London St Pancras International', timeZone: LONDON, latitude: 51.531, longitude: -0.126 },
  { code: 'EBD', name: 'Ebbsfleet International', timeZone: LONDON, latitude: 51.4429, longitude: 0.3209 },
  { code: 'AFK', name: 'Ashford International', timeZone: LONDON, latitude: 51.1435, longitude: 0.8755 },
  { code: 'LLE', name: 'Lille Europe', timeZone: PARIS, latitude: 50.6391, longitude: 3.0755 },
  { code: 'PNO', name: 'Paris Gare du Nord', timeZone: PARIS, latitude: 48.8809, longitude: 2.3553 },
  { code: 'BMI', name: 'Brussels-Midi', timeZone: BRUSSELS, latitude: 50.8358, longitude: 4.3363 },
  // Low Countries
  { code: 'ANR', name: 'Antwerpen-Centraal', timeZone: BRUSSELS, latitude: 51.2172, longitude: 4.4211 },
  { code: 'RTD', name: 'Rotterdam Centraal', timeZone: AMSTERDAM, latitude: 51.9244, longitude: 4.469 },
  { code: 'SHL', name: 'Schiphol Airport', timeZone: AMSTERDAM, latitude: 52.3094, longitude: 4.7617 },
  { code: 'AMS', name: 'Amsterdam Centraal', timeZone: AMSTERDAM, latitude: 52.3791, longitude: 4.9003 },
  { code: 'DHG', name: 'Den Haag Centraal', timeZone: AMSTERDAM, latitude: 52.0808, longitude: 4.3247 },
  { code: 'LEI', name: 'Leiden Centraal', timeZone: AMSTERDAM, latitude: 52.1664, longitude: 4.4817 },
  { code: 'UTR', name: 'Utrecht Centraal', timeZone: AMSTERDAM, latitude: 52.0894, longitude: 5.11 },
  { code: 'AHM', name: 'Arnhem Centraal', timeZone: AMSTERDAM, latitude: 51.9849, longitude: 5.8987 },
];

const stationByCode = new Map(stations.map((s) => [s.code, s]));

/** Track is longer than the straight line between stations. */
const TRACK_FACTOR = 1.2;

function trackKm(a: Station, b: Station): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return roundKm(2 * 6371 * Math.asin(Math.sqrt(h)) * TRACK_FACTOR);
}

/** Per call code: `pickUp` forbids alighting there, `setDown` forbids boarding. */
type CallRule = 'pickUp' | 'setDown';

/** One stopping pattern of a line, run at the listed origin departure times in each direction. */
interface ServicePattern {
  /** Stations called at in the down direction; the line's stations when absent. */
  calls?: string[];
  /** Origin departures (minutes after midnight, operator's time zone) in the down direction. */
  down: number[];
  /** Origin departures in the up direction. */
  up: number[];
  daysOfWeek: number;
  /** Boarding or alighting restrictions by station, per direction. */
  rules?: { down?: Record<string, CallRule>; up?: Record<string, CallRule> };
  /** Calendar exceptions, given the first day of validity. */
  exceptions?: (firstDay: LocalDate) => { added?: LocalDate[]; removed?: LocalDate[] };
}

interface LineSpec {
  /** Train ids and numbers start with this. */
  prefix: string;
  /** First train number; down trains count odd from it, up trains even. */
  firstNumber: number;
  operator: Operator;
  consistId: string;
  /** Stations in the down direction. */
  stations: string[];
  speedKmh: number;
  dwellMinutes: number;
  patterns: ServicePattern[];
}

/** `HH:MM` → minutes. */
const t = (hhmm: string) => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
};
/** Departures every `stepMinutes` from `first` to `last` inclusive. */
const every = (stepMinutes: number, first: string, last: string) => {
  const times: number[] = [];
  for (let m = t(first); m <= t(last); m += stepMinutes) times.push(m);
  return times;
};

const SUNDAY_TO_FRIDAY = EVERY_DAY & ~(1 << 5);

/** The first date on or after `from` that falls on `weekday` (0 Monday ... 6 Sunday). */
function nextWeekday(from: LocalDate, weekday: number): LocalDate {
  return addDays(from, (weekday - dayOfWeek(from) + 7) % 7);
}

const lines: LineSpec[] = [
  {
    prefix: 'EC',
    firstNumber: 101,
    operator: operators.albion,
    consistId: 'IC-2F6S',
    stations: ['KGX', 'SVG', 'PBO', 'GRA', 'NNG', 'DON', 'YRK', 'DAR', 'DHM', 'NCL', 'EDB'],
    speedKmh: 150,
    dwellMinutes: 2,
    patterns: [
      // Fast, every two hours.
      {
        calls: ['KGX', 'PBO', 'DON', 'YRK', 'DAR', 'NCL', 'EDB'],
        down: every(120, '06:00', '20:00'),
        up: every(120, '06:30', '18:30'),
        daysOfWeek: EVERY_DAY,
      },
      // All stations, every two hours; withdrawn for engineering works on one day.
      {
        down: every(120, '07:30', '19:30'),
        up: every(120, '07:00', '19:00'),
        daysOfWeek: EVERY_DAY,
        exceptions: (firstDay) => ({ removed: [addDays(firstDay, 21)] }),
      },
      // Night train past midnight: set down only on the way north, pick up only on the way south.
      {
        calls: ['KGX', 'YRK', 'NCL', 'EDB'],
        down: [t('23:35')],
        up: [t('23:20')],
        daysOfWeek: SUNDAY_TO_FRIDAY,
        rules: { down: { YRK: 'setDown', NCL: 'setDown' }, up: { NCL: 'pickUp', YRK: 'pickUp' } },
      },
    ],
  },
  {
    prefix: 'EC',
    firstNumber: 701,
    operator: operators.albion,
    consistId: 'IC-1F5S',
    stations: ['KGX', 'SVG', 'PBO'],
    speedKmh: 120,
    dwellMinutes: 1,
    patterns: [
      // Weekday commuter trains.
      { down: every(30, '16:15', '18:15'), up: every(30, '06:40', '08:40'), daysOfWeek: WEEKDAYS },
    ],
  },
  {
    prefix: 'GW',
    firstNumber: 201,
    operator: operators.western,
    consistId: 'IC-1F5S',
    stations: ['PAD', 'RDG', 'SWI', 'BPW', 'NWP', 'CDF'],
    speedKmh: 140,
    dwellMinutes: 2,
    patterns: [
      { down: every(60, '06:15', '21:15'), up: every(60, '06:15', '21:15'), daysOfWeek: EVERY_DAY },
      // Weekday semi-fasts, also run on one Saturday for an event.
      {
        calls: ['PAD', 'RDG', 'SWI', 'NWP', 'CDF'],
        down: every(60, '07:45', '19:45'),
        up: every(60, '07:45', '19:45'),
        daysOfWeek: WEEKDAYS,
        exceptions: (firstDay) => ({ added: [nextWeekday(addDays(firstDay, 7), 5)] }),
      },
    ],
  },
  {
    prefix: 'WC',
    firstNumber: 301,
    operator: operators.albion,
    consistId: 'IC-2F7S',
    stations: ['EUS', 'MKC', 'RUG', 'BHM', 'WVH', 'CRE', 'MAN'],
    speedKmh: 140,
    dwellMinutes: 2,
    patterns: [{ down: every(60, '06:23', '21:23'), up: every(60, '06:05', '21:05'), daysOfWeek: EVERY_DAY }],
  },
  {
    prefix: 'CL',
    firstNumber: 9001,
    operator: operators.channel,
    consistId: 'HS-2F8S',
    stations: ['STP', 'EBD', 'AFK', 'PNO'],
    speedKmh: 190,
    dwellMinutes: 3,
    patterns: [
      // Kent stations take passengers for the continent only, and set down only from it.
      {
        down: every(120, '07:01', '19:01'),
        up: every(120, '06:13', '18:13'),
        daysOfWeek: EVERY_DAY,
        rules: { down: { EBD: 'pickUp', AFK: 'pickUp' }, up: { AFK: 'setDown', EBD: 'setDown' } },
      },
    ],
  },
  {
    prefix: 'CL',
    firstNumber: 9101,
    operator: operators.channel,
    consistId: 'HS-2F8S',
    stations: ['STP', 'EBD', 'AFK', 'LLE', 'BMI'],
    speedKmh: 190,
    dwellMinutes: 3,
    patterns: [
      {
        down: [t('08:04'), t('12:04'), t('16:04'), t('18:04')],
        up: [t('07:52'), t('11:52'), t('15:52'), t('17:52')],
        daysOfWeek: EVERY_DAY,
        rules: {
          down: { EBD: 'pickUp', AFK: 'pickUp', LLE: 'setDown' },
          up: { LLE: 'pickUp', AFK: 'setDown', EBD: 'setDown' },
        },
      },
    ],
  },
  {
    prefix: 'BX',
    firstNumber: 601,
    operator: operators.lowlands,
    consistId: 'IC-1F4S',
    stations: ['BMI', 'ANR', 'RTD', 'SHL', 'AMS'],
    speedKmh: 130,
    dwellMinutes: 2,
    patterns: [{ down: every(60, '06:52', '20:52'), up: every(60, '06:17', '20:17'), daysOfWeek: EVERY_DAY }],
  },
  {
    prefix: 'RS',
    firstNumber: 2001,
    operator: operators.lowlands,
    consistId: 'RE-1F3S',
    stations: ['DHG', 'LEI', 'SHL', 'AMS', 'UTR', 'AHM'],
    speedKmh: 100,
    dwellMinutes: 1,
    patterns: [{ down: every(30, '06:00', '22:30'), up: every(30, '06:10', '22:40'), daysOfWeek: EVERY_DAY }],
  },
];

function stationOf(code: string): Station {
  const station = stationByCode.get(code);
  if (!station) throw new Error(`demo network: unknown station ${code}`);
  return station;
}

/** The stop pattern of one direction of a service pattern: offsets from running time and dwell. */
function stopPattern(
  line: LineSpec,
  calls: string[],
  direction: string[],
  rules: Record<string, CallRule>,
): StopCall[] {
  const route = direction.slice(
    direction.indexOf(calls[0] ?? ''),
    direction.indexOf(calls[calls.length - 1] ?? '') + 1,
  );
  const stops: StopCall[] = [];
  let minutes = 0;
  let km = 0;
  route.forEach((code, position) => {
    if (position > 0) {
      const segment = trackKm(stationOf(route[position - 1] ?? code), stationOf(code));
      km = roundKm(km + segment);
      minutes += Math.max(2, Math.round((segment / line.speedKmh) * 60));
    }
    if (!calls.includes(code)) return;
    const isOrigin = stops.length === 0;
    const isTerminus = code === calls[calls.length - 1];
    const arrival = isOrigin ? null : minutes;
    if (!isOrigin && !isTerminus) minutes += line.dwellMinutes;
    stops.push({
      index: stops.length,
      stationCode: code,
      arrivalOffsetMinutes: arrival,
      departureOffsetMinutes: isTerminus ? null : minutes,
      distanceKm: km,
      boarding: !isTerminus && rules[code] !== 'setDown',
      alighting: !isOrigin && rules[code] !== 'pickUp',
    });
  });
  return stops;
}

function calendarFor(pattern: ServicePattern, firstDay: LocalDate): ServiceCalendar {
  const exceptions = pattern.exceptions?.(firstDay) ?? {};
  return {
    daysOfWeek: pattern.daysOfWeek,
    validFrom: firstDay,
    validTo: addDays(firstDay, DEMO_VALIDITY_DAYS - 1),
    added: new Set(exceptions.added ?? []),
    removed: new Set(exceptions.removed ?? []),
  };
}

/** The demo network for a network seeded on `today` (a local date). */
export function buildDemoNetwork(today: LocalDate): TimetableFeed {
  const firstDay = addDays(today, -1);
  const trains: Train[] = [];
  for (const line of lines) {
    let downNumber = line.firstNumber;
    let upNumber = line.firstNumber + 1;
    for (const pattern of line.patterns) {
      const calendar = calendarFor(pattern, firstDay);
      const downCalls = pattern.calls ?? line.stations;
      const directions = [
        { times: pattern.down, route: line.stations, calls: downCalls, rules: pattern.rules?.down ?? {}, up: false },
        {
          times: pattern.up,
          route: [...line.stations].reverse(),
          calls: [...downCalls].reverse(),
          rules: pattern.rules?.up ?? {},
          up: true,
        },
      ];
      for (const direction of directions) {
        const stops = stopPattern(line, direction.calls, direction.route, direction.rules);
        for (const departureMinutes of direction.times) {
          const number = direction.up ? upNumber : downNumber;
          if (direction.up) upNumber += 2;
          else downNumber += 2;
          trains.push({
            id: `${line.prefix}${number}`,
            number: `${line.prefix} ${number}`,
            operator: line.operator,
            consistId: line.consistId,
            departureMinutes,
            calendar,
            stops,
          });
        }
      }
    }
  }
  const consists: ConsistSpec[] = [...new Set(lines.map((l) => l.consistId))].map((id) => {
    const spec = consistSpecFromId(id);
    if (!spec) throw new Error(`demo network: unknown consist ${id}`);
    return spec;
  });
  return { operators: Object.values(operators), stations, consists, trains };
}
