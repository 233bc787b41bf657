import { describe, expect, it } from 'vitest';
import {
  ageProblem,
  changeHref,
  changeSearch,
  exchangePassengers,
  readChangeStep,
  travellingPassengers,
} from './change-plan';

const amsterdam = { code: 'AMS', timeZone: 'Europe/Amsterdam' };

describe('the passengers a change exchanges', () => {
  it('are those with an active ticket, in booking order', () => {
    expect(
      travellingPassengers([
        { leg: 0, status: 'ACTIVE', passenger: 'ADULT' },
        { leg: 0, status: 'CANCELLED', passenger: 'SENIOR' },
        { leg: 0, status: 'ACTIVE', passenger: 'CHILD' },
      ]),
    ).toEqual(['ADULT', 'CHILD']);
  });

  it('count each passenger of a trip with changes once, travelling while any leg is active', () => {
    expect(
      travellingPassengers([
        { leg: 0, status: 'CANCELLED', passenger: 'ADULT' },
        { leg: 0, status: 'CANCELLED', passenger: 'YOUTH' },
        { leg: 1, status: 'ACTIVE', passenger: 'ADULT' },
        { leg: 1, status: 'CANCELLED', passenger: 'YOUTH' },
      ]),
    ).toEqual(['ADULT']);
    expect(travellingPassengers([{ leg: 0, status: 'EXCHANGED', passenger: 'ADULT' }])).toEqual([]);
  });

  it('carry each child’s age given, in the children’s order', () => {
    expect(exchangePassengers(['CHILD', 'ADULT', 'CHILD'], [null, 7])).toEqual([
      { type: 'CHILD' },
      { type: 'ADULT' },
      { type: 'CHILD', age: 7 },
    ]);
  });
});

describe('a child’s age', () => {
  it('may be blank, and is otherwise 0 to 11', () => {
    expect(ageProblem('')).toBeNull();
    expect(ageProblem('0')).toBeNull();
    expect(ageProblem('11')).toBeNull();
    expect(ageProblem('12')).toBe('A child is 0 to 11 years old.');
    expect(ageProblem('3.5')).toBe('A child is 0 to 11 years old.');
    expect(ageProblem('-1')).toBe('A child is 0 to 11 years old.');
  });
});

describe('the search for a train to change to', () => {
  const booked = { from: amsterdam, to: { code: 'RTD' }, departure: '2026-12-01T05:17:00Z' };

  it('starts just after the booked train, on its day at the boarding station', () => {
    expect(changeSearch(booked, ['ADULT', 'CHILD'])).toEqual({
      from: 'AMS',
      to: 'RTD',
      date: '2026-12-01',
      passengers: { ADULT: 1, CHILD: 1, YOUTH: 0, SENIOR: 0 },
      after: '2026-12-01T05:18:00.000Z',
    });
  });

  it('starts at the rebooking window of a cancelled train, on that day at the station', () => {
    // 23:30 UTC is already 2 December in Amsterdam.
    const search = changeSearch({ ...booked, rebookAfter: '2026-12-01T23:30:00Z' }, ['ADULT']);
    expect(search.after).toBe('2026-12-01T23:30:00Z');
    expect(search.date).toBe('2026-12-02');
  });

  it('goes on from a later page', () => {
    expect(changeSearch(booked, ['ADULT'], '2026-12-01T09:00:00Z').after).toBe('2026-12-01T09:00:00Z');
  });
});

describe('the change in the URL', () => {
  it('reads back what it wrote', () => {
    const step = {
      after: '2026-12-01T09:00:00Z',
      ages: [3, null],
      choice: {
        runId: 'BX610:2026-12-01',
        fromStop: 2,
        toStop: 4,
        seatClass: 'FIRST' as const,
        tripId: 'BX610:2026-12-01:2-4,IC2230:2026-12-01:3-4',
        departure: '2026-12-01T07:04:00Z',
      },
    };
    const href = changeHref('b 1', step);
    expect(href.startsWith('/bookings/b%201/change?')).toBe(true);
    expect(readChangeStep(new URL(href, 'http://app.invalid').searchParams)).toEqual(step);
    expect(changeHref('b1', { ages: [] })).toBe('/bookings/b1/change');
  });

  it('leaves out what is malformed rather than failing', () => {
    const params = new URLSearchParams('after=soon&ages=3,40,x&run=BX1&board=2&alight=1&class=FIRST');
    expect(readChangeStep(params)).toEqual({ ages: [3, null, null] });
    expect(readChangeStep(new URLSearchParams('run=BX1&board=0&alight=2&class=COACH'))).toEqual({ ages: [] });
  });
});
