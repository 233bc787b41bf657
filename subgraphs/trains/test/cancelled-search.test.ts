import { describe, expect, it } from 'vitest';
import { CancelledRuns } from '../src/cancellations/cancelled-runs.js';
import type { Journey, Trip } from '../src/timetable/model.js';
import { consists, handFeed, timetableOf, type HandFeed } from './trips-fixture.js';
import { parseGtfsFeed } from '../src/gtfs/parse.js';

// A Tuesday in British Summer Time (UTC+1).
const DATE = '2026-06-02';
const NEXT = '2026-06-03';

/**
 * Direct trains A-B; changes at B onto BC1 or BC2 (the default change time, 5 minutes); and at
 * G a timed transfer from M3 onto GH1, with GH2 a little later.
 */
const feed: HandFeed = {
  stops: ['A', 'B', 'C', 'G', 'H'],
  trips: [
    {
      id: 'AB1',
      calls: [
        ['A', '08:00:00', '08:00:00'],
        ['B', '08:30:00', '08:30:00'],
      ],
    },
    {
      id: 'AB2',
      calls: [
        ['A', '09:00:00', '09:00:00'],
        ['B', '09:30:00', '09:30:00'],
      ],
    },
    {
      id: 'BC1',
      calls: [
        ['B', '08:40:00', '08:40:00'],
        ['C', '09:10:00', '09:10:00'],
      ],
    },
    {
      id: 'BC2',
      calls: [
        ['B', '08:50:00', '08:50:00'],
        ['C', '09:20:00', '09:20:00'],
      ],
    },
    {
      id: 'M3',
      calls: [
        ['A', '11:00:00', '11:00:00'],
        ['G', '12:00:00', '12:00:00'],
      ],
    },
    {
      id: 'GH1',
      calls: [
        ['G', '12:01:00', '12:01:00'],
        ['H', '12:30:00', '12:30:00'],
      ],
    },
    {
      id: 'GH2',
      calls: [
        ['G', '12:07:00', '12:07:00'],
        ['H', '12:36:00', '12:36:00'],
      ],
    },
  ],
  transfers: ['G,G,1,,M3,GH1'],
};

const files = handFeed(feed);
const runs = (journeys: Journey[]) => journeys.map((j) => j.run.id);
const legs = (trips: Trip[]) => trips.map((t) => t.legs.map((l) => l.run.id));

function searchWith(cancelledRunIds: string[]) {
  const cancelled = new CancelledRuns();
  for (const runId of cancelledRunIds) cancelled.add(runId);
  const timetable = timetableOf(files, { minChangeMinutes: 5 }, cancelled);
  return {
    journeys: (from: string, to: string, date = DATE) => runs(timetable.searchJourneys({ from, to, date, first: 50 })),
    trips: (from: string, to: string) => legs(timetable.searchTrips({ from, to, date: DATE, first: 50 })),
  };
}

describe('searches leave out cancelled runs', () => {
  it('parses the fixture as the searches below expect', () => {
    expect(parseGtfsFeed(files, { consists }).timetable.trains.map((t) => t.id)).toContain('GH1');
  });

  it('drops a cancelled run from direct journeys on its date only', () => {
    expect(searchWith([]).journeys('A', 'B')).toEqual([`AB1:${DATE}`, `AB2:${DATE}`]);
    const search = searchWith([`AB1:${DATE}`]);
    expect(search.journeys('A', 'B')).toEqual([`AB2:${DATE}`]);
    expect(search.journeys('A', 'B', NEXT)).toEqual([`AB1:${NEXT}`, `AB2:${NEXT}`]);
  });

  it('changes onto the next train when the one it would catch is cancelled, the next day when none is left', () => {
    // AB2 reaches B after the day's last train to C, so it only connects with the next day's BC1.
    expect(searchWith([]).trips('A', 'C')).toEqual([
      [`AB1:${DATE}`, `BC1:${DATE}`],
      [`AB2:${DATE}`, `BC1:${NEXT}`],
    ]);
    expect(searchWith([`BC1:${DATE}`]).trips('A', 'C')).toEqual([
      [`AB1:${DATE}`, `BC2:${DATE}`],
      [`AB2:${DATE}`, `BC1:${NEXT}`],
    ]);
    expect(searchWith([`AB1:${DATE}`]).trips('A', 'C')).toEqual([[`AB2:${DATE}`, `BC1:${NEXT}`]]);
    expect(searchWith([`BC1:${DATE}`, `BC2:${DATE}`]).trips('A', 'C')).toEqual([[`AB2:${DATE}`, `BC1:${NEXT}`]]);
  });

  it('does not keep a guaranteed change onto a cancelled train', () => {
    expect(searchWith([]).trips('A', 'H')).toEqual([[`M3:${DATE}`, `GH1:${DATE}`]]);
    expect(searchWith([`GH1:${DATE}`]).trips('A', 'H')).toEqual([[`M3:${DATE}`, `GH2:${DATE}`]]);
  });

  it('drops a cancelled run from trips without changes', () => {
    expect(searchWith([`AB1:${DATE}`]).trips('A', 'B')).toEqual([[`AB2:${DATE}`]]);
  });
});

describe('the in-memory set of cancelled runs', () => {
  it('answers by train and service date, counting each run once', () => {
    const cancelled = new CancelledRuns();
    expect(cancelled.isCancelled('AB1', DATE)).toBe(false);
    cancelled.add(`AB1:${DATE}`);
    cancelled.add(`AB1:${DATE}`);
    cancelled.add('not a run id');
    expect(cancelled.size).toBe(1);
    expect(cancelled.isCancelled('AB1', DATE)).toBe(true);
    expect(cancelled.isCancelled('AB1', NEXT)).toBe(false);
    expect(cancelled.isCancelled('AB2', DATE)).toBe(false);
  });
});
