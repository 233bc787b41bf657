import { describe, expect, it } from 'vitest';
import {
  firstStepHref,
  passengerList,
  readChoice,
  readSearch,
  reviewHref,
  searchHref,
  writeSearch,
  type TripChoice,
} from './trip';

describe('the search in the URL', () => {
  it('round-trips stations, date, passengers and the page', () => {
    const search = {
      from: 'AMS',
      to: 'RTD',
      date: '2026-12-01',
      passengers: { ADULT: 2, CHILD: 1, YOUTH: 0, SENIOR: 1 },
      after: '2026-12-01T09:00:00.000Z',
    };
    expect(readSearch(new URL(searchHref(search), 'http://x').searchParams)).toEqual(search);
  });

  it('defaults to one adult and rejects an incomplete or malformed search', () => {
    expect(readSearch(new URLSearchParams('from=ams&to=rtd&date=2026-12-01'))?.passengers.ADULT).toBe(1);
    expect(readSearch(new URLSearchParams('from=AMS&date=2026-12-01'))).toBeNull();
    expect(readSearch(new URLSearchParams('from=AMS&to=RTD&date=tomorrow'))).toBeNull();
    expect(readSearch(new URLSearchParams('from=AMS&to=RTD&date=2026-12-01&adults=9&children=9'))).toBeNull();
  });

  it('keeps the chosen journey, class and seats for the booking steps', () => {
    const choice: TripChoice = {
      ...readSearch(
        writeSearch({
          from: 'AMS',
          to: 'RTD',
          date: '2026-12-01',
          passengers: { ADULT: 1, CHILD: 1, YOUTH: 0, SENIOR: 0 },
        }),
      )!,
      runId: 'BX602:2026-12-01',
      fromStop: 0,
      toStop: 2,
      seatClass: 'FIRST',
      seats: ['1-1A', '1-1C'],
      departure: '2026-12-01T05:17:00Z',
    };
    expect(readChoice(new URL(reviewHref(choice), 'http://x').searchParams)).toEqual(choice);
  });

  it('lists one passenger input per traveller', () => {
    expect(passengerList({ ADULT: 1, CHILD: 2, YOUTH: 0, SENIOR: 0 })).toEqual([
      { type: 'ADULT' },
      { type: 'CHILD' },
      { type: 'CHILD' },
    ]);
  });

  it('keeps a trip with changes, its first train and no seats: they are assigned on every train', () => {
    const params = new URLSearchParams(
      'from=RTD&to=UTR&date=2026-12-01&run=BX610:2026-12-01&board=2&alight=4&class=STANDARD' +
        '&trip=BX610:2026-12-01:2-4,IC2230:2026-12-01:3-4&seats=2-1A&departs=2026-12-01T07:04:00Z',
    );
    const choice = readChoice(params);
    expect(choice).toMatchObject({
      tripId: 'BX610:2026-12-01:2-4,IC2230:2026-12-01:3-4',
      runId: 'BX610:2026-12-01',
      seats: [],
    });
    expect(readChoice(new URL(reviewHref(choice!), 'http://x').searchParams)).toEqual(choice);
    expect(new URL(firstStepHref(choice!), 'http://x').pathname).toBe('/passengers');
    expect(new URL(firstStepHref({ ...choice!, tripId: undefined }), 'http://x').pathname).toBe('/seats');
  });
});
