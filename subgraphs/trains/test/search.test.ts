import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, graphql, startTestTrains, type GraphQLResponse } from './helpers.js';
import type { RunningTrains } from '../src/service.js';
import { buildDemoNetwork } from '../src/demo/network.js';
import { localDateOf } from '../src/timetable/local-time.js';
import { SEED_DAY } from './helpers.js';

interface FoundJourney {
  runId: string;
  fromStop: number;
  toStop: number;
  departure: string;
  arrival: string;
  durationMinutes: number;
  distanceKm: number;
  origin: { code: string };
  destination: { code: string };
  train: { number: string };
}

const SEARCH = `query Search($from: String!, $to: String!, $date: Date!, $after: DateTime, $first: Int) {
  searchJourneys(from: $from, to: $to, date: $date, after: $after, first: $first) {
    runId fromStop toStop departure arrival durationMinutes distanceKm
    origin { code } destination { code } train { number }
  }
}`;

let trains: RunningTrains;

async function search(
  variables: Record<string, unknown>,
): Promise<GraphQLResponse<{ searchJourneys: FoundJourney[] }>> {
  return graphql<{ searchJourneys: FoundJourney[] }>(trains, SEARCH, { first: 50, ...variables });
}

async function journeys(
  from: string,
  to: string,
  date: string,
  extra: Record<string, unknown> = {},
): Promise<FoundJourney[]> {
  const response = await search({ from, to, date, ...extra });
  expect(response.errors).toBeUndefined();
  return response.data?.searchJourneys ?? [];
}

beforeAll(async () => {
  trains = await startTestTrains();
});
afterAll(async () => {
  await trains?.stop();
});

// Seeded on Friday 2026-03-20: calendars run from Thursday 2026-03-19 to 2026-06-16.
const TUESDAY = '2026-03-24';

describe('the seeded network', () => {
  it('stores every station of the demo network, in several time zones', async () => {
    const response = await graphql<{ stations: Array<{ code: string; timeZone: string }> }>(
      trains,
      '{ stations(first: 100) { code timeZone } }',
    );
    const expected = buildDemoNetwork(SEED_DAY).stations;
    expect(response.data?.stations.map((s) => s.code).sort()).toEqual(expected.map((s) => s.code).sort());
    expect(new Set(response.data?.stations.map((s) => s.timeZone)).size).toBeGreaterThanOrEqual(2);
    expect(expected.length).toBeGreaterThanOrEqual(25);
  });

  it('finds stations by part of their name or code, by name', async () => {
    const response = await graphql<{ stations: Array<{ code: string; name: string }> }>(
      trains,
      '{ byName: stations(search: "centraal") { code name } byCode: stations(search: "ams") { code } few: stations(search: "london", first: 2) { code } }',
    );
    const data = response.data as unknown as Record<string, Array<{ code: string; name: string }>>;
    expect(data['byName']?.map((s) => s.name)).toEqual([
      'Amsterdam Centraal',
      'Antwerpen-Centraal',
      'Arnhem Centraal',
      'Den Haag Centraal',
      'Leiden Centraal',
      'Rotterdam Centraal',
      'Utrecht Centraal',
    ]);
    expect(data['byCode']?.map((s) => s.code)).toEqual(['AMS']);
    expect(data['few']?.map((s) => s.code)).toEqual(['EUS', 'KGX']);
  });
});

describe('searchJourneys', () => {
  it('returns journeys between intermediate stops, with times, duration and distance', async () => {
    const found = await journeys('SVG', 'DON', TUESDAY);
    expect(found).toHaveLength(7); // the all-stations trains, every two hours 07:30-19:30 from London
    for (const journey of found) {
      expect(journey.origin.code).toBe('SVG');
      expect(journey.destination.code).toBe('DON');
      expect(journey.fromStop).toBe(1);
      expect(journey.toStop).toBe(5);
      expect(journey.runId.endsWith(`:${TUESDAY}`)).toBe(true);
      expect(Date.parse(journey.arrival) - Date.parse(journey.departure)).toBe(journey.durationMinutes * 60_000);
      expect(journey.distanceKm).toBeGreaterThan(100);
      expect(localDateOf(new Date(journey.departure), 'Europe/London')).toBe(TUESDAY);
    }
    // 07:30 from London, 22 minutes on to Stevenage (GMT until the 29th).
    expect(found[0]?.departure).toBe('2026-03-24T07:52:00Z');
  });

  it('returns every direct journey in departure order', async () => {
    const found = await journeys('KGX', 'YRK', TUESDAY);
    const departures = found.map((j) => Date.parse(j.departure));
    expect(departures).toEqual([...departures].sort((a, b) => a - b));
    // 8 fast + 7 all-stations + the night train, which sets down at York.
    expect(found).toHaveLength(16);
    expect(found.at(-1)?.departure).toBe('2026-03-24T23:35:00Z');
  });

  it('gives local times in the station’s zone on a DST change day', async () => {
    const before = await journeys('KGX', 'YRK', '2026-03-28');
    const after = await journeys('KGX', 'YRK', '2026-03-29');
    expect(before[0]?.departure).toBe('2026-03-28T06:00:00Z'); // 06:00 GMT
    expect(after[0]?.departure).toBe('2026-03-29T05:00:00Z'); // 06:00 BST
  });

  it('finds a run of the previous service date that calls after midnight', async () => {
    // The night train leaves Edinburgh 23:20 on Tuesday and picks up at Newcastle after midnight.
    const found = await journeys('NCL', 'KGX', '2026-03-25');
    expect(found[0]?.runId.endsWith(':2026-03-24')).toBe(true);
    expect(localDateOf(new Date(found[0]!.departure), 'Europe/London')).toBe('2026-03-25');
    expect(found.slice(1).every((j) => j.runId.endsWith(':2026-03-25'))).toBe(true);
  });

  it('only boards where boarding is allowed and alights where alighting is allowed', async () => {
    // Kent stations: pick up only towards the continent, set down only from it.
    expect(await journeys('STP', 'EBD', TUESDAY)).toEqual([]);
    expect(await journeys('EBD', 'STP', TUESDAY)).toEqual([]);
    expect(await journeys('EBD', 'AFK', TUESDAY)).toEqual([]);
    expect(await journeys('EBD', 'PNO', TUESDAY)).toHaveLength(7);
    expect(await journeys('PNO', 'AFK', TUESDAY)).toHaveLength(7);
    // Lille: set down only from London, pick up only towards it.
    expect(await journeys('STP', 'LLE', TUESDAY)).toHaveLength(4);
    expect(await journeys('LLE', 'BMI', TUESDAY)).toEqual([]);
    expect(await journeys('BMI', 'LLE', TUESDAY)).toEqual([]);
    expect(await journeys('LLE', 'STP', TUESDAY)).toHaveLength(4);
    // The night train sets down at York going north: York to Edinburgh has only daytime trains.
    const yorkNorth = await journeys('YRK', 'EDB', TUESDAY);
    expect(yorkNorth.length).toBeGreaterThan(0);
    expect(yorkNorth.every((j) => Date.parse(j.departure) < Date.parse('2026-03-24T23:00:00Z'))).toBe(true);
  });

  it('crosses time zones: departure date at the departure station, instants in UTC', async () => {
    const found = await journeys('STP', 'PNO', TUESDAY);
    expect(found).toHaveLength(7);
    expect(found[0]?.departure).toBe('2026-03-24T07:01:00Z');
    expect(Date.parse(found[0]!.arrival)).toBeGreaterThan(Date.parse(found[0]!.departure));
    const dutch = await journeys('AMS', 'BMI', TUESDAY);
    expect(dutch[0]?.departure).toBe('2026-03-24T05:17:00Z'); // 06:17 CET from Amsterdam
  });

  it('pages with after and first', async () => {
    const all = await journeys('KGX', 'YRK', TUESDAY);
    const firstThree = await journeys('KGX', 'YRK', TUESDAY, { first: 3 });
    expect(firstThree).toEqual(all.slice(0, 3));
    const fromThird = await journeys('KGX', 'YRK', TUESDAY, { after: all[2]!.departure, first: 2 });
    expect(fromThird).toEqual(all.slice(2, 4));
    const defaultPage = await graphql<{ searchJourneys: unknown[] }>(
      trains,
      `{ searchJourneys(from: "DHG", to: "AHM", date: "${TUESDAY}") { runId } }`,
    );
    expect(defaultPage.data?.searchJourneys).toHaveLength(20);
  });

  it('follows weekday-only calendars and added and removed dates', async () => {
    expect(await journeys('PAD', 'NWP', TUESDAY)).toHaveLength(29); // all-stations + semi-fast
    expect(await journeys('PAD', 'NWP', '2026-03-21')).toHaveLength(16); // a Saturday
    expect(await journeys('PAD', 'NWP', '2026-03-28')).toHaveLength(29); // a Saturday the semi-fasts were added on
    expect(await journeys('SVG', 'DON', '2026-04-08')).toHaveLength(7);
    expect(await journeys('SVG', 'DON', '2026-04-09')).toEqual([]); // all-stations trains removed that day
  });

  it('returns an empty list on a date without service, or between stations no train links', async () => {
    expect(await journeys('SVG', 'DON', '2026-04-09')).toEqual([]);
    expect(await journeys('KGX', 'AMS', TUESDAY)).toEqual([]);
  });

  it('rejects a date outside the timetable, saying which dates it covers', async () => {
    for (const date of ['2026-03-10', '2027-01-01']) {
      const response = await search({ from: 'KGX', to: 'YRK', date });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors?.[0]?.message).toContain('2026-03-19 to 2026-06-16');
    }
  });

  it('rejects an unknown station code, naming it', async () => {
    const response = await search({ from: 'KGX', to: 'XYZ', date: TUESDAY });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toContain('XYZ');
    const unknownFrom = await search({ from: 'QQQ', to: 'KGX', date: TUESDAY });
    expect(errorCodes(unknownFrom)).toEqual(['BAD_USER_INPUT']);
    expect(unknownFrom.errors?.[0]?.message).toContain('QQQ');
  });

  it('rejects the same station as from and to', async () => {
    expect(errorCodes(await search({ from: 'KGX', to: 'KGX', date: TUESDAY }))).toEqual(['BAD_USER_INPUT']);
  });

  it('rejects a date that is not YYYY-MM-DD or does not exist', async () => {
    expect(errorCodes(await search({ from: 'KGX', to: 'YRK', date: 'tomorrow' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await search({ from: 'KGX', to: 'YRK', date: '2026-02-30' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await search({ from: 'KGX', to: 'YRK', date: TUESDAY, after: 'noon' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('rejects first outside 1-50', async () => {
    expect(errorCodes(await search({ from: 'KGX', to: 'YRK', date: TUESDAY, first: 0 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await search({ from: 'KGX', to: 'YRK', date: TUESDAY, first: 51 }))).toEqual(['BAD_USER_INPUT']);
  });
});
