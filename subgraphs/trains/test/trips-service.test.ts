import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importGtfs } from '../src/gtfs/import.js';
import type { RunningTrains } from '../src/service.js';
import { errorCodes, graphql, SEEDED_AT, startTestTrains } from './helpers.js';
import { consists, handFeed, type HandFeed } from './trips-fixture.js';

const DATE = '2026-06-02';
/** `HH:MM` local (UTC+1 on DATE) as the DateTime scalar writes it. */
const at = (hhmm: string) => new Date(Date.parse(`${DATE}T${hhmm}:00+01:00`)).toISOString().replace('.000Z', 'Z');

const SEARCH = `query Trips($from: String!, $to: String!, $date: Date!, $after: DateTime, $first: Int, $maxChanges: Int) {
  searchTrips(from: $from, to: $to, date: $date, after: $after, first: $first, maxChanges: $maxChanges) {
    departure arrival durationMinutes changes
    legs { runId fromStop toStop departure arrival durationMinutes origin { code } destination { code } train { number } }
  }
}`;

interface FoundTrip {
  departure: string;
  arrival: string;
  durationMinutes: number;
  changes: number;
  legs: Array<{ runId: string; origin: { code: string }; destination: { code: string }; departure: string }>;
}

/**
 * Three places to change: at B the feed asks 10 minutes (transfers.txt), at E it says
 * nothing, so the service's MIN_CHANGE_MINUTES (3 here) holds, and at G it guarantees the
 * change from M3 onto GH1 (a timed transfer between the two trips).
 */
const feed: HandFeed = {
  stops: ['A', 'B', 'D', 'E', 'F', 'G', 'H'],
  trips: [
    {
      id: 'M1',
      calls: [
        ['A', '08:00:00', '08:00:00'],
        ['B', '08:30:00', '08:30:00'],
      ],
    },
    {
      id: 'BR1',
      calls: [
        ['B', '08:34:00', '08:34:00'],
        ['D', '09:00:00', '09:00:00'],
      ],
    },
    {
      id: 'BR2',
      calls: [
        ['B', '08:39:00', '08:39:00'],
        ['D', '09:01:00', '09:01:00'],
      ],
    },
    {
      id: 'BR3',
      calls: [
        ['B', '08:40:00', '08:40:00'],
        ['D', '09:02:00', '09:02:00'],
      ],
    },
    {
      id: 'M2',
      calls: [
        ['A', '09:00:00', '09:00:00'],
        ['E', '10:00:00', '10:00:00'],
      ],
    },
    {
      id: 'EF1',
      calls: [
        ['E', '10:02:00', '10:02:00'],
        ['F', '10:30:00', '10:30:00'],
      ],
    },
    {
      id: 'EF2',
      calls: [
        ['E', '10:03:00', '10:03:00'],
        ['F', '10:31:00', '10:31:00'],
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
        ['G', '12:05:00', '12:05:00'],
        ['H', '12:34:00', '12:34:00'],
      ],
    },
  ],
  transfers: ['B,B,2,600', 'G,G,1,,M3,GH1'],
};

let trains: RunningTrains;

async function search(variables: Record<string, unknown>) {
  return graphql<{ searchTrips: FoundTrip[] }>(trains, SEARCH, { date: DATE, ...variables });
}

beforeAll(async () => {
  trains = await startTestTrains(undefined, SEEDED_AT, { TRAINS_RELOAD_SECONDS: '1', MIN_CHANGE_MINUTES: '3' });
  await importGtfs(trains.sql, handFeed(feed), { consists });
  // The running service picks the import up at its next reload check.
  await vi.waitFor(async () => expect((await search({ from: 'A', to: 'D' })).data?.searchTrips).toHaveLength(1), {
    timeout: 20_000,
    interval: 250,
  });
});
afterAll(async () => {
  await trains?.stop();
});

describe('searchTrips over GraphQL, on a stored feed', () => {
  it('changes where the stored transfer rules allow, legs as the Journey entity, one change by default', async () => {
    const response = await search({ from: 'A', to: 'D' });
    expect(response.errors).toBeUndefined();
    expect(response.data?.searchTrips).toEqual([
      {
        departure: at('08:00'),
        arrival: at('09:02'),
        durationMinutes: 62,
        changes: 1,
        legs: [
          {
            runId: `M1:${DATE}`,
            fromStop: 0,
            toStop: 1,
            departure: at('08:00'),
            arrival: at('08:30'),
            durationMinutes: 30,
            origin: { code: 'A' },
            destination: { code: 'B' },
            train: { number: 'HR M1' },
          },
          {
            runId: `BR3:${DATE}`,
            fromStop: 0,
            toStop: 1,
            departure: at('08:40'),
            arrival: at('09:02'),
            durationMinutes: 22,
            origin: { code: 'B' },
            destination: { code: 'D' },
            train: { number: 'HR BR3' },
          },
        ],
      },
    ]);
  });

  it('takes MIN_CHANGE_MINUTES where the feed gives no change time', async () => {
    const response = await search({ from: 'A', to: 'F' });
    expect(response.data?.searchTrips.map((t) => t.legs.map((l) => l.runId))).toEqual([[`M2:${DATE}`, `EF2:${DATE}`]]);
  });

  it('needs no change time for a stored timed transfer between two trains', async () => {
    const response = await search({ from: 'A', to: 'H' });
    expect(response.data?.searchTrips.map((t) => t.legs.map((l) => l.runId))).toEqual([[`M3:${DATE}`, `GH1:${DATE}`]]);
  });

  it('finds no trip with changes when maxChanges is 0', async () => {
    const response = await search({ from: 'A', to: 'D', maxChanges: 0 });
    expect(response.errors).toBeUndefined();
    expect(response.data?.searchTrips).toEqual([]);
  });

  it('refuses bad arguments with BAD_USER_INPUT', async () => {
    for (const variables of [
      { from: 'A', to: 'D', maxChanges: 3 },
      { from: 'A', to: 'D', maxChanges: -1 },
      { from: 'A', to: 'D', first: 0 },
      { from: 'A', to: 'D', first: 51 },
      { from: 'NOPE', to: 'D' },
      { from: 'A', to: 'NOPE' },
      { from: 'A', to: 'A' },
      { from: 'A', to: 'D', date: '2026-02-30' },
      { from: 'A', to: 'D', date: '2030-01-01' },
    ]) {
      const response = await search(variables);
      expect(errorCodes(response), JSON.stringify(variables)).toEqual(['BAD_USER_INPUT']);
      expect(response.data?.searchTrips).toBeUndefined();
    }
  });
});
