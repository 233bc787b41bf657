import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importGtfs } from '../src/gtfs/import.js';
import type { RunningTrains } from '../src/service.js';
import { graphql, SEEDED_AT, startTestTrains } from './helpers.js';
import { consists, handFeed, type HandFeed } from './trips-fixture.js';

/**
 * `Trip` as an entity: its id names its legs, and trains rebuilds the trip from the id alone,
 * as the router asks when another subgraph (prices, for `Trip.fares`) hands a trip back.
 */
const DATE = '2026-06-02';

const feed: HandFeed = {
  stops: ['A', 'B', 'D', 'E'],
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
        ['B', '08:40:00', '08:40:00'],
        ['D', '09:00:00', '09:00:00'],
        ['E', '09:20:00', '09:20:00'],
      ],
    },
    {
      id: 'BR0',
      calls: [
        ['B', '08:20:00', '08:20:00'],
        ['D', '08:50:00', '08:50:00'],
      ],
    },
  ],
};

const SEARCH = `query($from: String!, $to: String!, $date: Date!) {
  searchTrips(from: $from, to: $to, date: $date) { id departure arrival changes legs { runId fromStop toStop } }
}`;
const ENTITIES = `query($r: [_Any!]!) {
  _entities(representations: $r) { ... on Trip { id departure arrival durationMinutes changes legs { runId fromStop toStop } } }
}`;

interface TripView {
  id: string;
  departure: string;
  arrival: string;
  durationMinutes?: number;
  changes: number;
  legs: Array<{ runId: string; fromStop: number; toStop: number }>;
}

let trains: RunningTrains;

const search = (from: string, to: string) =>
  graphql<{ searchTrips: TripView[] }>(trains, SEARCH, { from, to, date: DATE });
const references = (...ids: unknown[]) =>
  graphql<{ _entities: Array<TripView | null> }>(trains, ENTITIES, {
    r: ids.map((id) => ({ __typename: 'Trip', id })),
  });

beforeAll(async () => {
  trains = await startTestTrains(undefined, SEEDED_AT, { TRAINS_RELOAD_SECONDS: '1', MIN_CHANGE_MINUTES: '5' });
  await importGtfs(trains.sql, handFeed(feed), { consists });
  await vi.waitFor(async () => expect((await search('A', 'D')).data?.searchTrips).toHaveLength(1), {
    timeout: 20_000,
    interval: 250,
  });
});
afterAll(async () => {
  await trains?.stop();
});

describe('Trip as an entity', () => {
  it("names a trip's legs in its id and rebuilds the same trip from it", async () => {
    const found = (await search('A', 'E')).data?.searchTrips ?? [];
    expect(found.map((trip) => trip.id)).toEqual([`M1:${DATE}:0-1,BR1:${DATE}:0-2`]);
    const rebuilt = await references(found[0]!.id);
    expect(rebuilt.errors).toBeUndefined();
    const { durationMinutes, ...trip } = rebuilt.data!._entities[0]!;
    expect(trip).toEqual(found[0]);
    expect(durationMinutes).toBe(80);
  });

  it('rebuilds a trip of one journey', async () => {
    const rebuilt = await references(`BR1:${DATE}:1-2`);
    expect(rebuilt.data?._entities[0]).toMatchObject({ changes: 0, legs: [{ runId: `BR1:${DATE}`, fromStop: 1 }] });
  });

  it('resolves an id that names no trip to null', async () => {
    const ids = [
      '',
      'M1',
      `M1:${DATE}`,
      `M1:${DATE}:0`,
      `M1:${DATE}:0-1,`,
      `M1:${DATE}:x-1`,
      `M1:2026-02-30:0-1`,
      `NOPE:${DATE}:0-1`,
      // Stops the run does not have, or in the wrong order.
      `M1:${DATE}:0-2`,
      `M1:${DATE}:1-0`,
      // Legs that do not connect: BR1 leaves B, not D; BR0 leaves B before M1 arrives there.
      `M1:${DATE}:0-1,BR1:${DATE}:1-2`,
      `M1:${DATE}:0-1,BR0:${DATE}:0-1`,
      // Legs out of order.
      `BR1:${DATE}:0-1,M1:${DATE}:0-1`,
      // More legs than any trip has.
      Array.from({ length: 4 }, () => `M1:${DATE}:0-1`).join(','),
      42,
    ];
    const response = await references(...ids);
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual(ids.map(() => null));
  });
});
