import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  dayOfWeek,
  daysBetween,
  instantOf,
  isLocalDate,
  isTimeZone,
  localDateOf,
  wallClockOf,
} from '../src/timetable/local-time.js';

const LONDON = 'Europe/London';
const AMSTERDAM = 'Europe/Amsterdam';
const hm = (h: number, m = 0) => h * 60 + m;
const iso = (d: Date) => d.toISOString();

describe('instantOf: local time to UTC', () => {
  it('reads London times around the spring-forward change (2026-03-29, 01:00 GMT → 02:00 BST)', () => {
    expect(iso(instantOf('2026-03-29', hm(0, 30), LONDON))).toBe('2026-03-29T00:30:00.000Z');
    expect(iso(instantOf('2026-03-29', hm(2, 0), LONDON))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(instantOf('2026-03-29', hm(7, 0), LONDON))).toBe('2026-03-29T06:00:00.000Z');
  });

  it('moves a London time the clocks skip forward by the gap', () => {
    // 01:30 does not exist on spring-forward day; it is read as 02:30 BST.
    expect(iso(instantOf('2026-03-29', hm(1, 30), LONDON))).toBe('2026-03-29T01:30:00.000Z');
  });

  it('reads London times around the fall-back change (2026-10-25, 02:00 BST → 01:00 GMT)', () => {
    expect(iso(instantOf('2026-10-25', hm(0, 30), LONDON))).toBe('2026-10-24T23:30:00.000Z');
    expect(iso(instantOf('2026-10-25', hm(2, 30), LONDON))).toBe('2026-10-25T02:30:00.000Z');
    expect(iso(instantOf('2026-10-25', hm(12, 0), LONDON))).toBe('2026-10-25T12:00:00.000Z');
  });

  it('takes the earlier of a London time that happens twice', () => {
    expect(iso(instantOf('2026-10-25', hm(1, 30), LONDON))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('reads Amsterdam times around the spring-forward change (2026-03-29, 02:00 CET → 03:00 CEST)', () => {
    expect(iso(instantOf('2026-03-29', hm(1, 30), AMSTERDAM))).toBe('2026-03-29T00:30:00.000Z');
    expect(iso(instantOf('2026-03-29', hm(2, 30), AMSTERDAM))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(instantOf('2026-03-29', hm(3, 0), AMSTERDAM))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(instantOf('2026-03-29', hm(8, 0), AMSTERDAM))).toBe('2026-03-29T06:00:00.000Z');
  });

  it('reads Amsterdam times around the fall-back change (2026-10-25, 03:00 CEST → 02:00 CET)', () => {
    expect(iso(instantOf('2026-10-25', hm(2, 30), AMSTERDAM))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(instantOf('2026-10-25', hm(3, 20), AMSTERDAM))).toBe('2026-10-25T02:20:00.000Z');
    expect(iso(instantOf('2026-10-24', hm(9, 0), AMSTERDAM))).toBe('2026-10-24T07:00:00.000Z');
    expect(iso(instantOf('2026-10-25', hm(9, 0), AMSTERDAM))).toBe('2026-10-25T08:00:00.000Z');
  });

  it('reads times past 24:00 as times on the following days', () => {
    expect(iso(instantOf('2026-06-01', hm(26, 0), AMSTERDAM))).toBe('2026-06-02T00:00:00.000Z');
    expect(instantOf('2026-06-01', hm(26, 0), AMSTERDAM)).toEqual(instantOf('2026-06-02', hm(2, 0), AMSTERDAM));
    // 25:30 on the 28th is 01:30 on London's spring-forward day, which the clocks skip.
    expect(iso(instantOf('2026-03-28', hm(25, 30), LONDON))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(instantOf('2026-12-31', hm(48, 15), LONDON))).toBe('2027-01-02T00:15:00.000Z');
  });

  it('gives back the instant a wall clock was read from, or the earlier one of a repeated hour', () => {
    const zones = ['Europe/London', 'Europe/Amsterdam', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1) / 60_000, max: Date.UTC(2030, 0, 1) / 60_000 }),
        fc.constantFrom(...zones),
        (minute, zone) => {
          const instant = new Date(minute * 60_000);
          const wall = wallClockOf(instant, zone);
          const back = instantOf(wall.date, wall.minutes, zone);
          expect(wallClockOf(back, zone)).toEqual(wall);
          const earlierBy = instant.getTime() - back.getTime();
          expect(earlierBy === 0 || earlierBy === 3_600_000).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('wallClockOf and localDateOf', () => {
  it('gives the local date and minutes at an instant', () => {
    const instant = new Date('2026-03-28T23:30:00Z');
    expect(wallClockOf(instant, AMSTERDAM)).toEqual({ date: '2026-03-29', minutes: 30 });
    expect(wallClockOf(instant, LONDON)).toEqual({ date: '2026-03-28', minutes: hm(23, 30) });
    expect(localDateOf(new Date('2026-07-01T23:30:00Z'), LONDON)).toBe('2026-07-02');
  });
});

describe('local dates', () => {
  it('checks real calendar dates', () => {
    expect(isLocalDate('2026-03-29')).toBe(true);
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate('2026-3-1')).toBe(false);
    expect(isLocalDate('tomorrow')).toBe(false);
  });

  it('adds days across month, year and DST boundaries', () => {
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-03-19', '2026-06-16')).toBe(89);
  });

  it('numbers days of the week from Monday', () => {
    expect(dayOfWeek('2026-03-23')).toBe(0); // Monday
    expect(dayOfWeek('2026-03-28')).toBe(5); // Saturday
    expect(dayOfWeek('2026-03-29')).toBe(6); // Sunday
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('Europe/Brussels')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
