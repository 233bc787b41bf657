import { describe, expect, it } from 'vitest';
import { buildDemoNetwork, DEMO_VALIDITY_DAYS } from '../src/demo/network.js';
import { consistSpecFromId } from '../src/consist/layout.js';
import { runsOn, EVERY_DAY } from '../src/timetable/calendar.js';
import { addDays } from '../src/timetable/local-time.js';
import { isTrainId } from '../src/timetable/run-id.js';
import { SEED_DAY } from './helpers.js';

const network = buildDemoNetwork(SEED_DAY);
const firstDay = addDays(SEED_DAY, -1);
const serviceDays = Array.from({ length: DEMO_VALIDITY_DAYS }, (_, i) => addDays(firstDay, i));

describe('the demo network', () => {
  it('has at least 25 stations in at least two time zones', () => {
    expect(network.stations.length).toBeGreaterThanOrEqual(25);
    expect(new Set(network.stations.map((s) => s.code)).size).toBe(network.stations.length);
    expect(new Set(network.stations.map((s) => s.timeZone)).size).toBeGreaterThanOrEqual(2);
  });

  it('runs at least 150 trains on every day of its calendars', () => {
    for (const day of serviceDays) {
      const runs = network.trains.filter((t) => runsOn(t.calendar, day)).length;
      expect(runs, day).toBeGreaterThanOrEqual(150);
    }
  });

  it('has calendars valid from the day before seeding for 90 days, and nothing outside', () => {
    for (const train of network.trains) {
      expect(train.calendar.validFrom).toBe(firstDay);
      expect(train.calendar.validTo).toBe(addDays(firstDay, DEMO_VALIDITY_DAYS - 1));
    }
    expect(network.trains.filter((t) => runsOn(t.calendar, addDays(firstDay, -1)))).toEqual([]);
    expect(network.trains.filter((t) => runsOn(t.calendar, addDays(firstDay, DEMO_VALIDITY_DAYS)))).toEqual([]);
  });

  it('follows the date it is seeded on and is otherwise the same every time', () => {
    const later = buildDemoNetwork('2027-01-10');
    expect(later.trains[0]?.calendar.validFrom).toBe('2027-01-09');
    expect(buildDemoNetwork(SEED_DAY)).toEqual(network);
  });

  it('has weekday-only trains and calendar exceptions', () => {
    expect(network.trains.some((t) => t.calendar.daysOfWeek !== EVERY_DAY)).toBe(true);
    expect(network.trains.some((t) => t.calendar.added.size > 0)).toBe(true);
    expect(network.trains.some((t) => t.calendar.removed.size > 0)).toBe(true);
  });

  it('has trains both ways on several lines, with multi-stop patterns', () => {
    const pairs = new Set(network.trains.map((t) => `${t.stops[0]?.stationCode}>${t.stops.at(-1)?.stationCode}`));
    for (const [a, b] of [
      ['KGX', 'EDB'],
      ['PAD', 'CDF'],
      ['EUS', 'MAN'],
      ['STP', 'PNO'],
      ['STP', 'BMI'],
      ['BMI', 'AMS'],
      ['DHG', 'AHM'],
    ]) {
      expect(pairs.has(`${a}>${b}`), `${a}>${b}`).toBe(true);
      expect(pairs.has(`${b}>${a}`), `${b}>${a}`).toBe(true);
    }
    expect(network.trains.every((t) => t.stops.length >= 3)).toBe(true);
  });

  it('has stops that forbid boarding and stops that forbid alighting, besides the termini', () => {
    const intermediate = network.trains.flatMap((t) => t.stops.slice(1, -1));
    expect(intermediate.some((s) => !s.boarding && s.alighting)).toBe(true);
    expect(intermediate.some((s) => s.boarding && !s.alighting)).toBe(true);
  });

  it('has well-formed stop patterns', () => {
    const codes = new Set(network.stations.map((s) => s.code));
    for (const train of network.trains) {
      expect(isTrainId(train.id), train.id).toBe(true);
      expect(train.stops.map((s) => s.index)).toEqual(train.stops.map((_, i) => i));
      expect(train.stops[0]?.arrivalOffsetMinutes).toBeNull();
      expect(train.stops.at(-1)?.departureOffsetMinutes).toBeNull();
      let last = -1;
      for (const stop of train.stops) {
        expect(codes.has(stop.stationCode)).toBe(true);
        for (const offset of [stop.arrivalOffsetMinutes, stop.departureOffsetMinutes]) {
          if (offset === null) continue;
          expect(offset).toBeGreaterThanOrEqual(last);
          last = offset;
        }
      }
      expect(train.stops.map((s) => s.distanceKm)).toEqual(
        [...train.stops.map((s) => s.distanceKm)].sort((a, b) => a - b),
      );
    }
    expect(new Set(network.trains.map((t) => t.id)).size).toBe(network.trains.length);
  });

  it('has a train that runs past midnight', () => {
    const pastMidnight = network.trains.filter(
      (t) => t.departureMinutes + (t.stops.at(-1)?.arrivalOffsetMinutes ?? 0) >= 24 * 60,
    );
    expect(pastMidnight.length).toBeGreaterThan(0);
  });

  it('has both classes in every consist, and only consists whose id describes them', () => {
    const used = new Set(network.trains.map((t) => t.consistId));
    expect(new Set(network.consists.map((c) => c.id))).toEqual(used);
    for (const consist of network.consists) {
      expect(consistSpecFromId(consist.id)).toEqual(consist);
      expect(new Set(consist.coaches.map((c) => c.seatClass))).toEqual(new Set(['FIRST', 'STANDARD']));
    }
  });
});
