import { describe, expect, it } from 'vitest';
import { EVERY_DAY, WEEKDAYS, runsOn, type ServiceCalendar } from '../src/timetable/calendar.js';
import { formatRunId, parseRunId } from '../src/timetable/run-id.js';
import { buildRun, legCount, runOnDate } from '../src/timetable/run.js';
import { journeyOnRun } from '../src/timetable/journey.js';
import { findJourneys } from '../src/timetable/search.js';
import type { Operator, Station, StopCall, Train } from '../src/timetable/model.js';

const london: Operator = { id: 'op', name: 'Test Rail', timeZone: 'Europe/London' };
const station = (code: string, timeZone = 'Europe/London'): Station => ({
  code,
  name: code,
  timeZone,
  latitude: 0,
  longitude: 0,
});

function calendar(overrides: Partial<ServiceCalendar> = {}): ServiceCalendar {
  return {
    daysOfWeek: EVERY_DAY,
    validFrom: '2026-03-01',
    validTo: '2026-12-31',
    added: new Set(),
    removed: new Set(),
    ...overrides,
  };
}

const call = (
  index: number,
  stationCode: string,
  arrival: number | null,
  departure: number | null,
  distanceKm: number,
  rules: { boarding?: boolean; alighting?: boolean } = {},
): StopCall => ({
  index,
  stationCode,
  arrivalOffsetMinutes: arrival,
  departureOffsetMinutes: departure,
  distanceKm,
  boarding: rules.boarding ?? departure !== null,
  alighting: rules.alighting ?? arrival !== null,
});

/** A night train: A 23:35, B +60, C (set down only) +150, D +240. */
const nightTrain: Train = {
  id: 'N1',
  number: 'N 1',
  operator: london,
  consistId: 'IC-1F1S',
  departureMinutes: 23 * 60 + 35,
  calendar: calendar(),
  stops: [
    call(0, 'A', null, 0, 0),
    call(1, 'B', 58, 60, 100.2),
    call(2, 'C', 148, 150, 210.7, { boarding: false }),
    call(3, 'D', 240, null, 300),
  ],
};

describe('runsOn', () => {
  const weekdays = calendar({ daysOfWeek: WEEKDAYS, validFrom: '2026-03-19', validTo: '2026-06-16' });

  it('runs on the weekdays of its pattern within the validity period', () => {
    expect(runsOn(weekdays, '2026-03-20')).toBe(true); // Friday
    expect(runsOn(weekdays, '2026-03-21')).toBe(false); // Saturday
    expect(runsOn(weekdays, '2026-03-22')).toBe(false); // Sunday
    expect(runsOn(weekdays, '2026-03-23')).toBe(true); // Monday
  });

  it('does not run outside the validity period, whose ends are included', () => {
    expect(runsOn(weekdays, '2026-03-18')).toBe(false);
    expect(runsOn(weekdays, '2026-03-19')).toBe(true);
    expect(runsOn(weekdays, '2026-06-16')).toBe(true);
    expect(runsOn(weekdays, '2026-06-17')).toBe(false);
  });

  it('runs on added dates, even outside its days and validity', () => {
    const withAdded = { ...weekdays, added: new Set(['2026-03-21', '2026-07-01']) };
    expect(runsOn(withAdded, '2026-03-21')).toBe(true);
    expect(runsOn(withAdded, '2026-07-01')).toBe(true);
  });

  it('does not run on removed dates', () => {
    const withRemoved = { ...weekdays, removed: new Set(['2026-03-23']), added: new Set(['2026-03-23']) };
    expect(runsOn(withRemoved, '2026-03-23')).toBe(false);
    expect(runsOn(withRemoved, '2026-03-24')).toBe(true);
  });
});

describe('run ids', () => {
  it('formats and parses <trainId>:<YYYY-MM-DD>', () => {
    const id = formatRunId({ trainId: 'EC101', serviceDate: '2026-03-29' });
    expect(id).toBe('EC101:2026-03-29');
    expect(parseRunId(id)).toEqual({ trainId: 'EC101', serviceDate: '2026-03-29' });
    expect(parseRunId('ns.ic-1:2026-12-01')).toEqual({ trainId: 'ns.ic-1', serviceDate: '2026-12-01' });
  });

  it('rejects ids that do not name a train and a real date', () => {
    for (const bad of [
      'EC101',
      'EC101:',
      ':2026-03-29',
      'EC 101:2026-03-29',
      'EC101:2026-02-30',
      'EC101:2026-3-29',
      'EC101:2026-03-29:x',
      '',
    ]) {
      expect(parseRunId(bad), bad).toBeNull();
    }
    expect(() => formatRunId({ trainId: 'a:b', serviceDate: '2026-03-29' })).toThrow(RangeError);
    expect(() => formatRunId({ trainId: 'EC101', serviceDate: '2026-02-30' })).toThrow(RangeError);
  });
});

describe('runs', () => {
  it('gives each call an instant, past midnight on the next day', () => {
    const run = buildRun(nightTrain, '2026-06-10');
    expect(run.id).toBe('N1:2026-06-10');
    expect(run.stops.map((s) => [s.arrival?.toISOString() ?? null, s.departure?.toISOString() ?? null])).toEqual([
      [null, '2026-06-10T22:35:00.000Z'],
      ['2026-06-10T23:33:00.000Z', '2026-06-10T23:35:00.000Z'],
      ['2026-06-11T01:03:00.000Z', '2026-06-11T01:05:00.000Z'],
      ['2026-06-11T02:35:00.000Z', null],
    ]);
    expect(legCount(run)).toBe(3);
  });

  it('keeps elapsed running times through the spring-forward night', () => {
    const run = buildRun(nightTrain, '2026-03-28');
    expect(run.stops[0]?.departure?.toISOString()).toBe('2026-03-28T23:35:00.000Z'); // 23:35 GMT
    expect(run.stops[3]?.arrival?.toISOString()).toBe('2026-03-29T03:35:00.000Z'); // 04:35 BST, 4 hours later
  });

  it('keeps elapsed running times through the fall-back night', () => {
    const run = buildRun(nightTrain, '2026-10-24');
    expect(run.stops[0]?.departure?.toISOString()).toBe('2026-10-24T22:35:00.000Z'); // 23:35 BST
    expect(run.stops[3]?.arrival?.toISOString()).toBe('2026-10-25T02:35:00.000Z'); // 02:35 GMT, 4 hours later
  });

  it('has no run on a date its calendar excludes', () => {
    const train = { ...nightTrain, calendar: calendar({ removed: new Set(['2026-06-10']) }) };
    expect(runOnDate(train, '2026-06-10')).toBeNull();
    expect(runOnDate(train, '2026-06-11')?.id).toBe('N1:2026-06-11');
  });
});

describe('journeyOnRun', () => {
  const run = buildRun(nightTrain, '2026-06-10');

  it('gives departure, arrival, duration and distance between intermediate stops', () => {
    const journey = journeyOnRun(run, 1, 3);
    expect(journey).toMatchObject({ fromStop: 1, toStop: 3, durationMinutes: 180, distanceKm: 199.8 });
    expect(journey?.departure.toISOString()).toBe('2026-06-10T23:35:00.000Z');
    expect(journey?.arrival.toISOString()).toBe('2026-06-11T02:35:00.000Z');
  });

  it('needs 0 <= fromStop < toStop < stop count', () => {
    expect(journeyOnRun(run, 0, 0)).toBeNull();
    expect(journeyOnRun(run, 2, 1)).toBeNull();
    expect(journeyOnRun(run, -1, 2)).toBeNull();
    expect(journeyOnRun(run, 0, 4)).toBeNull();
    expect(journeyOnRun(run, 0.5, 2)).toBeNull();
  });

  it('needs boarding allowed at the first stop and alighting at the second', () => {
    expect(journeyOnRun(run, 2, 3)).toBeNull(); // C is set down only
    expect(journeyOnRun(run, 1, 2)).not.toBeNull();
    const pickUpOnly = {
      ...nightTrain,
      stops: nightTrain.stops.map((s) => (s.index === 1 ? { ...s, alighting: false } : s)),
    };
    expect(journeyOnRun(buildRun(pickUpOnly, '2026-06-10'), 0, 1)).toBeNull();
  });
});

describe('findJourneys', () => {
  const A = station('A');
  const B = station('B');
  const C = station('C');
  const D = station('D');

  it('finds the run of the previous service date that reaches the station after midnight', () => {
    const journeys = findJourneys([nightTrain], { from: C, to: D, date: '2026-06-11', first: 10 });
    expect(journeys).toEqual([]); // C is set down only
    // B is called at 00:35 BST on the 11th by the run of the 10th.
    const fromB = findJourneys([nightTrain], { from: B, to: D, date: '2026-06-11', first: 10 });
    expect(fromB.map((j) => j.run.id)).toEqual(['N1:2026-06-10']);
    expect(fromB[0]?.departure.toISOString()).toBe('2026-06-10T23:35:00.000Z');
    const dayBefore = findJourneys([nightTrain], { from: B, to: D, date: '2026-06-10', first: 10 });
    expect(dayBefore.map((j) => j.run.id)).toEqual(['N1:2026-06-09']);
  });

  it('uses the departure station’s time zone for the date', () => {
    // Seen from Amsterdam (UTC+2 in June), B's 00:35 London departure on the 11th is 01:35 on the 11th,
    // and A's 23:35 London departure on the 10th is 00:35 on the 11th.
    const amsterdamA = { ...A, timeZone: 'Europe/Amsterdam' };
    const journeys = findJourneys([nightTrain], { from: amsterdamA, to: D, date: '2026-06-11', first: 10 });
    expect(journeys.map((j) => j.run.id)).toEqual(['N1:2026-06-10']);
    const londonA = findJourneys([nightTrain], { from: A, to: D, date: '2026-06-11', first: 10 });
    expect(londonA.map((j) => j.run.id)).toEqual(['N1:2026-06-11']);
  });

  it('sorts by departure and applies after and first', () => {
    const trains = [0, 1, 2, 3].map((k) => ({ ...nightTrain, id: `T${k}`, departureMinutes: 6 * 60 + (3 - k) * 60 }));
    const all = findJourneys(trains, { from: A, to: B, date: '2026-06-10', first: 10 });
    expect(all.map((j) => j.run.train.id)).toEqual(['T3', 'T2', 'T1', 'T0']);
    const page = findJourneys(trains, { from: A, to: B, date: '2026-06-10', first: 2, after: all[1]?.departure });
    expect(page.map((j) => j.run.train.id)).toEqual(['T2', 'T1']);
  });

  it('finds nothing in the opposite direction', () => {
    expect(findJourneys([nightTrain], { from: D, to: A, date: '2026-06-10', first: 10 })).toEqual([]);
    expect(findJourneys([nightTrain], { from: C, to: B, date: '2026-06-10', first: 10 })).toEqual([]);
  });
});
