import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { Journey, Trip } from '../src/timetable/model.js';
import type { Timetable, TripSearch } from '../src/timetable/timetable.js';
import { basicFeed } from './gtfs-fixture.js';
import { GtfsFeedError } from '../src/gtfs/csv.js';
import { parseGtfsFeed } from '../src/gtfs/parse.js';
import { consists, handFeed, timetableOf, type HandFeed, type HandTrip } from './trips-fixture.js';

// A Tuesday in British Summer Time (UTC+1), far from clock changes.
const DATE = '2026-06-02';
const NEXT = '2026-06-03';

/** `HH:MM` local (UTC+1 on DATE) as an ISO instant. */
const at = (hhmm: string, date = DATE) => new Date(Date.parse(`${date}T${hhmm}:00+01:00`)).toISOString();

interface Seen {
  legs: string[];
  departure: string;
  arrival: string;
  changes: number;
}

function leg(j: Journey): string {
  return `${j.run.id} ${j.run.stops[j.fromStop]!.stationCode}-${j.run.stops[j.toStop]!.stationCode}`;
}

function seen(trip: Trip): Seen {
  return {
    legs: trip.legs.map(leg),
    departure: trip.departure.toISOString(),
    arrival: trip.arrival.toISOString(),
    changes: trip.changes,
  };
}

function trips(timetable: Timetable, search: Partial<TripSearch> & { from: string; to: string }): Seen[] {
  return timetable.searchTrips({ date: DATE, first: 50, ...search }).map(seen);
}

/** Main line A-B-C (08:00 from A, at B 08:30-08:32, C 09:00) and a branch B-D leaving B at the given times. */
function branchNetwork(branchDepartures: string[], extra: Partial<HandFeed> = {}): HandFeed {
  const branch: HandTrip[] = branchDepartures.map((time, i) => {
    const [h, m] = time.split(':').map(Number) as [number, number];
    const arrive = `${String(h + (m + 30 >= 60 ? 1 : 0)).padStart(2, '0')}:${String((m + 30) % 60).padStart(2, '0')}`;
    return {
      id: `BR${i + 1}`,
      calls: [
        ['B', `${time}:00`, `${time}:00`],
        ['D', `${arrive}:00`, `${arrive}:00`],
      ],
    };
  });
  return {
    stops: ['A', 'B', 'C', 'D'],
    trips: [
      {
        id: 'M1',
        calls: [
          ['A', '08:00:00', '08:00:00'],
          ['B', '08:30:00', '08:32:00'],
          ['C', '09:00:00', '09:00:00'],
        ],
      },
      ...branch,
    ],
    ...extra,
  };
}

describe('searchTrips', () => {
  it('changes between two branches where no train runs through', () => {
    const timetable = timetableOf(handFeed(branchNetwork(['08:40'])));
    expect(trips(timetable, { from: 'A', to: 'D' })).toEqual([
      {
        legs: [`M1:${DATE} A-B`, `BR1:${DATE} B-D`],
        departure: at('08:00'),
        arrival: at('09:10'),
        changes: 1,
      },
    ]);
    expect(trips(timetable, { from: 'A', to: 'D', maxChanges: 0 })).toEqual([]);
  });

  it('allows a default of 5 minutes to change where the feed gives no rule', () => {
    const timetable = timetableOf(handFeed(branchNetwork(['08:34', '08:35'])));
    expect(trips(timetable, { from: 'A', to: 'D' }).map((t) => t.legs[1])).toEqual([`BR2:${DATE} B-D`]);
  });

  it('takes the default change time from the settings (MIN_CHANGE_MINUTES)', () => {
    const timetable = timetableOf(handFeed(branchNetwork(['08:34', '08:35'])), { minChangeMinutes: 4 });
    expect(trips(timetable, { from: 'A', to: 'D' }).map((t) => t.legs[1])).toEqual([`BR1:${DATE} B-D`]);
  });

  it("respects a station's minimum change time from transfers.txt: one minute too tight is not offered, the next is", () => {
    const feed = branchNetwork(['08:39', '08:40'], { transfers: ['B,B,2,600'] });
    expect(trips(timetableOf(handFeed(feed)), { from: 'A', to: 'D' }).map((t) => t.legs[1])).toEqual([
      `BR2:${DATE} B-D`,
    ]);
  });

  it('applies a minimum change time given between two platforms of a station to the whole station', () => {
    const feed: HandFeed = {
      stops: ['A', { id: 'B', station: true }, { id: 'B1', parent: 'B' }, { id: 'B2', parent: 'B' }, 'D'],
      trips: [
        {
          id: 'M1',
          calls: [
            ['A', '08:00:00', '08:00:00'],
            ['B1', '08:30:00', '08:30:00'],
          ],
        },
        {
          id: 'BR1',
          calls: [
            ['B2', '08:36:00', '08:36:00'],
            ['D', '09:00:00', '09:00:00'],
          ],
        },
        {
          id: 'BR2',
          calls: [
            ['B2', '08:37:00', '08:37:00'],
            ['D', '09:01:00', '09:01:00'],
          ],
        },
      ],
      transfers: ['B1,B2,2,420'],
    };
    expect(trips(timetableOf(handFeed(feed)), { from: 'A', to: 'D' }).map((t) => t.legs[1])).toEqual([
      `BR2:${DATE} B-D`,
    ]);
  });

  it('needs no change time for a timed transfer (type 1) or an in-seat one (type 4)', () => {
    for (const type of [1, 4]) {
      const timetable = timetableOf(handFeed(branchNetwork(['08:30', '08:40'], { transfers: [`B,B,${type},`] })));
      expect(trips(timetable, { from: 'A', to: 'D' })).toEqual([
        { legs: [`M1:${DATE} A-B`, `BR1:${DATE} B-D`], departure: at('08:00'), arrival: at('09:00'), changes: 1 },
      ]);
    }
  });

  it('needs no change time between two trains a timed transfer names (type 1 with trips), for those trains only', () => {
    const feed = branchNetwork(['08:31', '08:33', '09:40'], { transfers: ['B,B,1,,M1,BR1'] });
    // M0 from E reaches B with M1 but has no guarantee: BR1 and BR2 leave too soon for it.
    feed.stops.push('E');
    feed.trips.push({
      id: 'M0',
      calls: [
        ['E', '07:55:00', '07:55:00'],
        ['B', '08:30:00', '08:30:00'],
      ],
    });
    const timetable = timetableOf(handFeed(feed));
    expect(trips(timetable, { from: 'A', to: 'D' })).toEqual([
      { legs: [`M1:${DATE} A-B`, `BR1:${DATE} B-D`], departure: at('08:00'), arrival: at('09:01'), changes: 1 },
    ]);
    expect(trips(timetable, { from: 'E', to: 'D' })).toEqual([
      { legs: [`M0:${DATE} E-B`, `BR3:${DATE} B-D`], departure: at('07:55'), arrival: at('10:10'), changes: 1 },
    ]);
  });

  it('rides a later train of a line for its guaranteed change when an earlier one would miss the connection', () => {
    const feed: HandFeed = {
      stops: ['Z', 'A', 'B', 'D'],
      trips: [
        {
          id: 'ZA',
          calls: [
            ['Z', '07:00:00', '07:00:00'],
            ['A', '07:50:00', '07:50:00'],
          ],
        },
        // The same line twice: FIRST could be caught, but only LATER's change onto BR1 is guaranteed.
        {
          id: 'FIRST',
          calls: [
            ['A', '08:00:00', '08:00:00'],
            ['B', '08:28:00', '08:28:00'],
          ],
        },
        {
          id: 'LATER',
          calls: [
            ['A', '08:02:00', '08:02:00'],
            ['B', '08:30:00', '08:30:00'],
          ],
        },
        {
          id: 'BR1',
          calls: [
            ['B', '08:31:00', '08:31:00'],
            ['D', '09:00:00', '09:00:00'],
          ],
        },
        {
          id: 'BR2',
          calls: [
            ['B', '10:00:00', '10:00:00'],
            ['D', '10:30:00', '10:30:00'],
          ],
        },
      ],
      transfers: ['B,B,1,,LATER,BR1'],
    };
    const timetable = timetableOf(handFeed(feed));
    // FIRST and BR2 would arrive at 10:30: LATER's guaranteed change beats it (and so dominates it).
    expect(trips(timetable, { from: 'A', to: 'D' }).map((t) => t.legs)).toEqual([
      [`LATER:${DATE} A-B`, `BR1:${DATE} B-D`],
    ]);
    // After a change at A, where FIRST is the first train one can catch, LATER is still taken.
    expect(trips(timetable, { from: 'Z', to: 'D', maxChanges: 2 }).map((t) => t.legs)).toEqual([
      [`ZA:${DATE} Z-A`, `LATER:${DATE} A-B`, `BR1:${DATE} B-D`],
    ]);
  });

  it('needs no change time for an in-seat transfer (type 4) naming trips without stops: where the first ends', () => {
    const feed: HandFeed = {
      stops: ['A', 'B', 'D'],
      trips: [
        {
          id: 'T1',
          calls: [
            ['A', '08:00:00', '08:00:00'],
            ['B', '08:30:00', '08:30:00'],
          ],
        },
        {
          id: 'T2',
          calls: [
            ['B', '08:30:00', '08:30:00'],
            ['D', '09:00:00', '09:00:00'],
          ],
        },
      ],
      transfers: [',,4,,T1,T2'],
    };
    expect(trips(timetableOf(handFeed(feed)), { from: 'A', to: 'D' })).toEqual([
      { legs: [`T1:${DATE} A-B`, `T2:${DATE} B-D`], departure: at('08:00'), arrival: at('09:00'), changes: 1 },
    ]);
  });

  it('offers no change where transfers.txt says none is possible (type 3)', () => {
    const timetable = timetableOf(handFeed(branchNetwork(['08:40', '09:40'], { transfers: ['B,B,3,'] })));
    expect(trips(timetable, { from: 'A', to: 'D', maxChanges: 2 })).toEqual([]);
    // Riding through B is still fine.
    expect(trips(timetable, { from: 'A', to: 'C' })).toHaveLength(1);
  });

  it('changes after midnight onto the next service date, from a run whose times pass 24:00', () => {
    const feed: HandFeed = {
      stops: ['A', 'B', 'D'],
      trips: [
        {
          id: 'N1',
          calls: [
            ['A', '23:30:00', '23:30:00'],
            ['B', '24:20:00', '24:20:00'],
          ],
        },
        {
          id: 'E1',
          calls: [
            ['B', '00:40:00', '00:40:00'],
            ['D', '01:30:00', '01:30:00'],
          ],
        },
      ],
    };
    const timetable = timetableOf(handFeed(feed));
    expect(trips(timetable, { from: 'A', to: 'D' })).toEqual([
      {
        legs: [`N1:${DATE} A-B`, `E1:${NEXT} B-D`],
        departure: at('23:30'),
        arrival: at('01:30', NEXT),
        changes: 1,
      },
    ]);
    // Leaving B after midnight on a run of the previous service date counts as the next date.
    expect(trips(timetable, { from: 'B', to: 'D', date: NEXT }).map((t) => t.legs)).toEqual([[`E1:${NEXT} B-D`]]);
  });

  it('changes across the spring clock change, at the instants the runs really call', () => {
    const feed: HandFeed = {
      stops: ['A', 'B', 'D'],
      trips: [
        {
          id: 'N1',
          calls: [
            ['A', '23:30:00', '23:30:00'],
            ['B', '24:20:00', '24:20:00'],
          ],
        },
        // 03:00 on 29 March is BST: 02:00 UTC, an hour and 40 minutes after N1 reaches B at 00:20 GMT.
        {
          id: 'E1',
          calls: [
            ['B', '03:00:00', '03:00:00'],
            ['D', '04:00:00', '04:00:00'],
          ],
        },
      ],
    };
    const found = timetableOf(handFeed(feed)).searchTrips({ from: 'A', to: 'D', date: '2026-03-28' });
    expect(found.map(seen)).toEqual([
      {
        legs: ['N1:2026-03-28 A-B', 'E1:2026-03-29 B-D'],
        departure: '2026-03-28T23:30:00.000Z',
        arrival: '2026-03-29T03:00:00.000Z',
        changes: 1,
      },
    ]);
    expect(found[0]!.durationMinutes).toBe(210);
  });

  it('with maxChanges 0 equals the direct search, less the journeys another dominates', () => {
    const timetable = timetableOf(basicFeed());
    for (const [from, to, date] of [
      ['LDN', 'YRK', '2026-03-24'],
      ['LDN', 'EDB', '2026-03-24'],
      ['YRK', 'EDB', '2026-03-25'],
      ['EDB', 'LDN', '2026-03-23'],
      ['LDN', 'LGG', '2026-03-28'],
      // Around the clock changes (29 March, 25 October 2026), with runs past midnight.
      ['LDN', 'YRK', '2026-03-28'],
      ['LDN', 'YRK', '2026-03-29'],
      ['YRK', 'EDB', '2026-03-29'],
      ['LDN', 'EDB', '2026-10-24'],
      ['YRK', 'EDB', '2026-10-25'],
    ] as const) {
      const direct = timetable.searchJourneys({ from, to, date, first: 50 });
      const expected = direct.filter(
        (j) =>
          !direct.some(
            (other) =>
              other !== j &&
              other.departure >= j.departure &&
              other.arrival <= j.arrival &&
              (other.departure > j.departure || other.arrival < j.arrival),
          ),
      );
      const found = timetable.searchTrips({ from, to, date, first: 50, maxChanges: 0 });
      expect(found.map((t) => t.legs.map(leg))).toEqual(expected.map((j) => [leg(j)]));
      // Legs are the very journeys the direct search returns, field for field.
      expect(found.map((t) => t.legs[0])).toEqual(expected);
    }
  });

  it('returns no dominated trip, by departure, with the earliest arrival among them', () => {
    const feed: HandFeed = {
      stops: ['A', 'B', 'C'],
      trips: [
        // Slow direct train: dominated by FAST, which leaves later and arrives earlier.
        {
          id: 'SLOW',
          calls: [
            ['A', '08:10:00', '08:10:00'],
            ['C', '10:30:00', '10:30:00'],
          ],
        },
        {
          id: 'FAST',
          calls: [
            ['A', '08:15:00', '08:15:00'],
            ['C', '10:00:00', '10:00:00'],
          ],
        },
        // With a change: later and quicker, not dominated (it has one change more than FAST).
        {
          id: 'X1',
          calls: [
            ['A', '08:20:00', '08:20:00'],
            ['B', '08:50:00', '08:50:00'],
          ],
        },
        {
          id: 'X2',
          calls: [
            ['B', '09:00:00', '09:00:00'],
            ['C', '09:30:00', '09:30:00'],
          ],
        },
        // Two changes arriving no earlier than X1+X2: dominated.
        {
          id: 'Y1',
          calls: [
            ['A', '08:12:00', '08:12:00'],
            ['B', '08:40:00', '08:40:00'],
          ],
        },
      ],
    };
    const found = trips(timetableOf(handFeed(feed)), { from: 'A', to: 'C', maxChanges: 2 });
    expect(found).toEqual([
      { legs: [`FAST:${DATE} A-C`], departure: at('08:15'), arrival: at('10:00'), changes: 0 },
      { legs: [`X1:${DATE} A-B`, `X2:${DATE} B-C`], departure: at('08:20'), arrival: at('09:30'), changes: 1 },
    ]);
  });

  it('pages with after and first: the pages together are the whole answer', () => {
    const departures = ['08:40', '09:40', '10:40', '11:40', '12:40'];
    const feed = branchNetwork(departures);
    feed.trips.push(
      ...['10:00', '12:00', '14:00'].map((time, i): HandTrip => ({
        id: `M${i + 2}`,
        calls: [
          ['A', `${time}:00`, `${time}:00`],
          ['B', `${String(Number(time.slice(0, 2))).padStart(2, '0')}:30:00`, `${time.slice(0, 2)}:32:00`],
        ],
      })),
    );
    const timetable = timetableOf(handFeed(feed));
    const all = trips(timetable, { from: 'A', to: 'D' });
    // The 14:00 has no branch train left that day: it connects with the first one next morning.
    expect(all.map((t) => [t.departure, t.legs[1]])).toEqual([
      [at('08:00'), `BR1:${DATE} B-D`],
      [at('10:00'), `BR3:${DATE} B-D`],
      [at('12:00'), `BR5:${DATE} B-D`],
      [at('14:00'), `BR1:${NEXT} B-D`],
    ]);
    const pages: Seen[] = [];
    let after: Date | undefined;
    for (;;) {
      const page = trips(timetable, { from: 'A', to: 'D', first: 1, after });
      if (page.length === 0) break;
      pages.push(...page);
      after = new Date(Date.parse(page.at(-1)!.departure) + 1);
    }
    expect(pages).toEqual(all);
    expect(trips(timetable, { from: 'A', to: 'D', after: new Date(at('10:00')) }).map((t) => t.departure)).toEqual([
      at('10:00'),
      at('12:00'),
      at('14:00'),
    ]);
    expect(trips(timetable, { from: 'A', to: 'D', first: 2 })).toEqual(all.slice(0, 2));
  });

  describe('refuses bad input with BAD_USER_INPUT', () => {
    const timetable = timetableOf(handFeed(branchNetwork(['08:40'])));
    const cases: Array<[string, Partial<TripSearch>, string]> = [
      ['an unknown origin', { from: 'NOPE' }, 'from'],
      ['an unknown destination', { to: 'NOPE' }, 'to'],
      ['the same station twice', { to: 'A' }, 'to'],
      ['a malformed date', { date: '2026-6-2' }, 'date'],
      ['a date that does not exist', { date: '2026-02-30' }, 'date'],
      ['a date outside the timetable', { date: '2027-06-01' }, 'date'],
      ['first 0', { first: 0 }, 'first'],
      ['first 51', { first: 51 }, 'first'],
      ['first not a whole number', { first: 1.5 }, 'first'],
      ['maxChanges -1', { maxChanges: -1 }, 'maxChanges'],
      ['maxChanges 3', { maxChanges: 3 }, 'maxChanges'],
    ];
    for (const [what, change, argument] of cases) {
      it(`refuses ${what}`, () => {
        let error: unknown;
        try {
          timetable.searchTrips({ from: 'A', to: 'D', date: DATE, ...change });
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).extensions).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, argument });
        // Nothing is kept from a refused search: the same timetable still answers.
        expect(trips(timetable, { from: 'A', to: 'D' })).toHaveLength(1);
      });
    }
  });
});

describe('transfer rules read from a feed', () => {
  const stops = ['A', { id: 'B', station: true }, { id: 'B1', parent: 'B' }, { id: 'B2', parent: 'B' }, 'D'];
  const trips: HandTrip[] = [
    {
      id: 'M1',
      calls: [
        ['A', '08:00:00', '08:00:00'],
        ['B1', '08:30:00', '08:30:00'],
      ],
    },
    {
      id: 'BR1',
      calls: [
        ['B2', '08:36:00', '08:36:00'],
        ['D', '09:00:00', '09:00:00'],
      ],
    },
  ];

  it('keeps the strictest of several rules for one station, and leaves rules naming trips out of it', () => {
    const feed = parseGtfsFeed(
      handFeed({ stops, trips, transfers: ['B1,B1,2,120', 'B1,B2,2,420', 'B2,B1,1,', 'B1,B2,3,,M1,BR1'] }),
      { consists },
    );
    expect(feed.transfers).toEqual([
      { fromStationCode: 'B', toStationCode: 'B', transferType: 2, minTransferSeconds: 420 },
    ]);
    expect(feed.trainTransfers).toEqual([]);
  });

  it('keeps timed and in-seat transfers between two trips as changes between their trains', () => {
    const feed = parseGtfsFeed(handFeed({ stops, trips, transfers: ['B1,B2,1,,M1,BR1', 'A,A,1,,M1,BR1'] }), {
      consists,
    });
    // BR1 does not call at A: that row names no possible change.
    expect(feed.trainTransfers).toEqual([{ fromTrainId: 'M1', toTrainId: 'BR1', stationCode: 'B', transferType: 1 }]);
  });

  it('refuses a transfer naming a trip the feed does not have, with its line', () => {
    expect(() => parseGtfsFeed(handFeed({ stops, trips, transfers: ['B1,B2,1,,M1,NOPE'] }), { consists })).toThrow(
      new GtfsFeedError('transfers.txt', 2, 'to_trip_id NOPE is not a trip of the feed'),
    );
  });
});
