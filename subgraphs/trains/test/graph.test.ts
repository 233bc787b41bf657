import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@railgraph/service-kit';
import { errorCodes, graphql, SEED_DAY, SEEDED_AT, startTestTrains } from './helpers.js';
import { BASIC_FEED_DIR } from './gtfs-fixture.js';
import { readTrainsEnv } from '../src/env.js';
import { importGtfs } from '../src/gtfs/import.js';
import { seedDemoNetworkOnce } from '../src/store/seed.js';
import type { RunningTrains } from '../src/service.js';

let trains: RunningTrains;

beforeAll(async () => {
  trains = await startTestTrains();
});
afterAll(async () => {
  await trains?.stop();
});

const TUESDAY = '2026-03-24';
const SUNDAY = '2026-03-22';

async function entities<T>(fragment: string, representations: unknown[]): Promise<Array<T | null>> {
  const response = await graphql<{ _entities: Array<T | null> }>(
    trains,
    `query($r: [_Any!]!) { _entities(representations: $r) { ${fragment} } }`,
    { r: representations },
  );
  expect(response.errors).toBeUndefined();
  return response.data?._entities ?? [];
}

describe('entity references', () => {
  it('resolves Station by code, unknown codes to null', async () => {
    const found = await entities<{ code: string; name: string; timeZone: string; latitude: number }>(
      '... on Station { code name timeZone latitude }',
      [
        { __typename: 'Station', code: 'AMS' },
        { __typename: 'Station', code: 'NOPE' },
        { __typename: 'Station', code: 'KGX' },
      ],
    );
    expect(found).toEqual([
      { code: 'AMS', name: 'Amsterdam Centraal', timeZone: 'Europe/Amsterdam', latitude: 52.3791 },
      null,
      { code: 'KGX', name: 'London Kings Cross', timeZone: 'Europe/London', latitude: 51.5308 },
    ]);
  });

  it('resolves Train by id, unknown ids to null', async () => {
    const found = await entities('... on Train { id number operator }', [
      { __typename: 'Train', id: 'EC101' },
      { __typename: 'Train', id: 'EC100000' },
    ]);
    expect(found).toEqual([{ id: 'EC101', number: 'EC 101', operator: 'Albion Intercity' }, null]);
  });

  it('resolves TrainRun by id with its stops, legs and consist; invalid ids to null', async () => {
    const found = await entities<{
      id: string;
      serviceDate: string;
      legCount: number;
      train: { number: string };
      stops: Array<{ index: number; station: { code: string }; arrival: string | null; departure: string | null }>;
      consist: {
        id: string;
        coaches: Array<{ number: number; seatClass: string; seatCount: number; seats: Array<{ label: string }> }>;
      };
    }>(
      '... on TrainRun { id serviceDate legCount train { number } stops { index station { code } arrival departure } consist { id coaches { number seatClass seatCount seats { label } } } }',
      [
        { __typename: 'TrainRun', id: `EC101:${TUESDAY}` },
        { __typename: 'TrainRun', id: `EC701:${SUNDAY}` }, // weekday-only commuter train on a Sunday
        { __typename: 'TrainRun', id: 'EC101:2027-01-01' }, // outside its calendar
        { __typename: 'TrainRun', id: 'EC101' },
        { __typename: 'TrainRun', id: 'NOPE:2026-03-24' },
      ],
    );
    const [run, ...invalid] = found;
    expect(invalid).toEqual([null, null, null, null]);
    expect(run?.id).toBe(`EC101:${TUESDAY}`);
    expect(run?.serviceDate).toBe(TUESDAY);
    expect(run?.train.number).toBe('EC 101');
    expect(run?.stops.map((s) => s.station.code)).toEqual(['KGX', 'PBO', 'DON', 'YRK', 'DAR', 'NCL', 'EDB']);
    expect(run?.legCount).toBe(6);
    expect(run?.stops[0]).toMatchObject({ index: 0, arrival: null, departure: '2026-03-24T06:00:00Z' });
    expect(run?.stops.at(-1)?.departure).toBeNull();
    expect(run?.consist.id).toBe('IC-2F6S');
    expect(run?.consist.coaches[0]).toMatchObject({ number: 1, seatClass: 'FIRST', seatCount: 36 });
    expect(run?.consist.coaches[0]?.seats[0]).toEqual({ label: '1A' });
  });

  it('resolves Consist by id, unknown ids to null', async () => {
    const found = await entities<{
      id: string;
      coaches: Array<{ seatClass: string; seats: Array<{ label: string; position: string }> }>;
    }>('... on Consist { id coaches { seatClass seats { label position } } }', [
      { __typename: 'Consist', id: 'RE-1F3S' },
      { __typename: 'Consist', id: 'IC-9F9S' },
    ]);
    expect(found[0]?.id).toBe('RE-1F3S');
    expect(found[0]?.coaches.map((c) => c.seatClass)).toEqual(['FIRST', 'STANDARD', 'STANDARD', 'STANDARD']);
    expect(found[0]?.coaches[1]?.seats.slice(0, 2)).toEqual([
      { label: '1A', position: 'WINDOW' },
      { label: '1B', position: 'MIDDLE' },
    ]);
    expect(found[1]).toBeNull();
  });

  it('resolves Journey by run and stops; invalid keys to null', async () => {
    const runId = `EC117:${TUESDAY}`; // all stations KGX..EDB
    const found = await entities<{
      runId: string;
      fromStop: number;
      toStop: number;
      origin: { code: string };
      destination: { code: string };
      departure: string;
      arrival: string;
      durationMinutes: number;
      distanceKm: number;
      train: { number: string };
      run: { id: string; legCount: number };
    }>(
      '... on Journey { runId fromStop toStop origin { code } destination { code } departure arrival durationMinutes distanceKm train { number } run { id legCount } }',
      [
        { __typename: 'Journey', runId, fromStop: 1, toStop: 5 },
        { __typename: 'Journey', runId, fromStop: 5, toStop: 5 },
        { __typename: 'Journey', runId, fromStop: 5, toStop: 1 },
        { __typename: 'Journey', runId, fromStop: 0, toStop: 11 },
        { __typename: 'Journey', runId, fromStop: -1, toStop: 3 },
        { __typename: 'Journey', runId, fromStop: '1', toStop: 5 },
        { __typename: 'Journey', runId: `EC117:2027-01-01`, fromStop: 1, toStop: 5 },
        { __typename: 'Journey', runId: 'garbage', fromStop: 1, toStop: 5 },
        { __typename: 'Journey', runId: `CL9001:${TUESDAY}`, fromStop: 0, toStop: 1 }, // Ebbsfleet: no alighting from London
      ],
    );
    const [journey, ...invalid] = found;
    expect(invalid).toEqual([null, null, null, null, null, null, null, null]);
    expect(journey).toMatchObject({
      runId,
      fromStop: 1,
      toStop: 5,
      origin: { code: 'SVG' },
      destination: { code: 'DON' },
      departure: '2026-03-24T07:52:00Z',
      train: { number: 'EC 117' },
      run: { id: runId, legCount: 10 },
    });
    expect(Date.parse(journey!.arrival) - Date.parse(journey!.departure)).toBe(journey!.durationMinutes * 60_000);
    expect(journey?.distanceKm).toBeGreaterThan(100);
  });

  it('resolves a journey found by search from its key alone', async () => {
    const search = await graphql<{
      searchJourneys: Array<{ runId: string; fromStop: number; toStop: number; departure: string; distanceKm: number }>;
    }>(
      trains,
      `{ searchJourneys(from: "EBD", to: "PNO", date: "${TUESDAY}", first: 1) { runId fromStop toStop departure distanceKm } }`,
    );
    const hit = search.data!.searchJourneys[0]!;
    const [again] = await entities('... on Journey { runId fromStop toStop departure distanceKm }', [
      { __typename: 'Journey', runId: hit.runId, fromStop: hit.fromStop, toStop: hit.toStop },
    ]);
    expect(again).toEqual(hit);
  });

  it('resolves many run references from the in-memory timetable, in one batch, without reading the database', async () => {
    const fromMemory = vi.spyOn(trains.timetable, 'trainsByIds');
    const fromDatabase = vi.spyOn(trains.store, 'trainsByIds');
    try {
      const response = await entities('... on TrainRun { id legCount }', [
        { __typename: 'TrainRun', id: `EC101:${TUESDAY}` },
        { __typename: 'TrainRun', id: `EC103:${TUESDAY}` },
        { __typename: 'TrainRun', id: `GW201:${TUESDAY}` },
        { __typename: 'TrainRun', id: `EC101:2026-03-25` },
      ]);
      expect(JSON.stringify(response)).toContain(`GW201:${TUESDAY}`);
      expect(fromMemory).toHaveBeenCalledTimes(1);
      expect([...(fromMemory.mock.calls[0]?.[0] ?? [])].sort()).toEqual(['EC101', 'EC103', 'GW201']);
      expect(fromDatabase).not.toHaveBeenCalled();
    } finally {
      fromMemory.mockRestore();
      fromDatabase.mockRestore();
    }
  });
});

describe('queries', () => {
  it('looks up one station and one run', async () => {
    const response = await graphql<{
      station: { name: string } | null;
      missing: unknown;
      trainRun: { id: string } | null;
      notRunning: unknown;
    }>(
      trains,
      `{ station(code: "BMI") { name } missing: station(code: "ZZZ") { name }
         trainRun(id: "RS2001:${TUESDAY}") { id } notRunning: trainRun(id: "EC701:${SUNDAY}") { id } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      station: { name: 'Brussels-Midi' },
      missing: null,
      trainRun: { id: `RS2001:${TUESDAY}` },
      notRunning: null,
    });
  });

  it('rejects a malformed run id', async () => {
    const response = await graphql(trains, '{ trainRun(id: "EC101/2026-03-24") { id } }');
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('rejects stations(first) outside 1-100', async () => {
    expect(errorCodes(await graphql(trains, '{ stations(first: 0) { code } }'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await graphql(trains, '{ stations(first: 101) { code } }'))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('request errors', () => {
  it('answers a malformed query with GRAPHQL_PARSE_FAILED', async () => {
    expect(errorCodes(await graphql(trains, '{ stations { code '))).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('answers an unknown field with GRAPHQL_VALIDATION_FAILED', async () => {
    expect(errorCodes(await graphql(trains, '{ stations { code platform } }'))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('answers a wrong argument type with BAD_USER_INPUT', async () => {
    const response = await graphql(trains, 'query($first: Int) { stations(first: $first) { code } }', { first: 'ten' });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('seeding', () => {
  it('leaves an already seeded database alone', async () => {
    const seeded = await seedDemoNetworkOnce(trains.store, trains.sql, '2026-05-01', createLogger('trains', 'silent'));
    expect(seeded).toBe(false);
    const [train] = await trains.store.trainsByIds(['EC101']);
    expect(train?.calendar.validFrom).toBe('2026-03-19');
    expect(SEED_DAY).toBe('2026-03-20');
  });
});

describe('health', () => {
  it('is ready when the database answers', async () => {
    const response = await fetch(`${trains.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready', checks: [{ name: 'database', ok: true }] });
  });
});

describe('a feed imported while the service runs', () => {
  it('is served after the next reload check, without a restart', async () => {
    const running = await startTestTrains(undefined, SEEDED_AT, { TRAINS_RELOAD_SECONDS: '1' });
    try {
      const query = '{ stations(search: "liège") { code } }';
      expect((await graphql(running, query)).data).toEqual({ stations: [] });
      await importGtfs(running.sql, BASIC_FEED_DIR, { consists: readTrainsEnv({}).consists });
      await vi.waitFor(
        async () => expect((await graphql(running, query)).data).toEqual({ stations: [{ code: 'LGG' }] }),
        {
          timeout: 20_000,
          interval: 250,
        },
      );
    } finally {
      await running.stop();
    }
  });
});
