import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTokenIssuer, type TestTokenIssuer } from '@railgraph/auth/testing';
import { deleteKeys, redisForTests, redisTestUrl, uniquePrefix } from '@railgraph/database/redis-testing';
import { createMemoryEngine } from '../src/engine/memory.js';
import { createRedisEngine } from '../src/engine/redis.js';
import type { InventoryEngine } from '../src/engine/engine.js';
import type { RunLayout } from '../src/engine/layout.js';
import { readInventoryEnv } from '../src/env.js';
import { trainsLayoutSource, type RunLayoutSource } from '../src/layouts/trains-layouts.js';
import { startInventory, type RunningInventory } from '../src/service.js';
import { coach, runLayout } from './fixtures.js';
import { startTrainsStub } from './trains-stub.js';

const redisUp = await redisForTests();
const redisPrefix = uniquePrefix('hold-batch');
let redisRuns = 0;

// 24 STANDARD seats over 4 legs (and 8 FIRST).
const layout = runLayout();
// 4 STANDARD seats, to be sold out.
const small = runLayout({
  runId: 'IC4:2026-12-01',
  consistId: 'consist-4',
  legCount: 2,
  coaches: [coach(1, 'STANDARD', 4)],
});
// 40 STANDARD seats over 2 legs, for the crowd.
const crowded = runLayout({
  runId: 'IC9:2026-12-01',
  consistId: 'consist-9',
  legCount: 2,
  coaches: [coach(1, 'STANDARD', 20), coach(2, 'STANDARD', 20)],
});
// 120 STANDARD seats on one leg: room for 100 holds.
const big = runLayout({
  runId: 'IC120:2026-12-01',
  consistId: 'consist-120',
  legCount: 1,
  coaches: [1, 2, 3, 4, 5].map((n) => coach(n, 'STANDARD', 24)),
});

interface Outcome {
  holdId: string;
  hold: { holdId: string; status: string; seats: Array<{ coach: number; label: string }> } | null;
  code: string | null;
  message: string | null;
  seatsLeft: number | null;
  takenSeats: string[] | null;
}
interface Answer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

const HOLD_MANY = /* GraphQL */ `
  mutation ($inputs: [HoldSeatsInput!]!) {
    holdSeatsBatch(inputs: $inputs) {
      holdId
      hold {
        holdId
        status
        seats {
          coach
          label
        }
      }
      code
      message
      seatsLeft
      takenSeats
    }
  }
`;
const HOLD = 'mutation($input: HoldSeatsInput!) { holdSeats(input: $input) { holdId seats { coach label } } }';

/** A STANDARD hold of `count` seats on `run` from stop 0 to its last stop. */
const input = (holdId: string, more: Record<string, unknown> = {}, run: RunLayout = layout) => ({
  holdId,
  runId: run.runId,
  fromStop: 0,
  toStop: run.legCount,
  seatClass: 'STANDARD',
  count: 1,
  ...more,
});

let trains: Awaited<ReturnType<typeof startTrainsStub>>;
let tokens: TestTokenIssuer;
let tickets: string;
const started: RunningInventory[] = [];
const opened: InventoryEngine[] = [];

beforeAll(async () => {
  trains = await startTrainsStub([layout, small, crowded, big]);
  tokens = await createTestTokenIssuer();
  tickets = await tokens.client('tickets', ['inventory:internal']);
});

afterAll(async () => {
  await Promise.all(started.map((service) => service.stop()));
  await Promise.all(opened.map((engine) => engine.close()));
  await trains?.stop();
  if (redisUp) await deleteKeys(redisTestUrl(), redisPrefix);
});

/** Inventory processes sharing one store: with Redis, `count` processes on the same keys. */
async function startInventories(engineKind: 'memory' | 'redis', count: number): Promise<RunningInventory[]> {
  const keyPrefix = `${redisPrefix}${redisRuns++}:`;
  const memory = createMemoryEngine();
  return Promise.all(
    Array.from({ length: engineKind === 'memory' ? 1 : count }, async () => {
      let engine: InventoryEngine = memory;
      if (engineKind === 'redis') {
        engine = createRedisEngine({ url: redisTestUrl(), keyPrefix });
        opened.push(engine);
      }
      const env = readInventoryEnv({ INVENTORY_PORT: '0', LOG_LEVEL: 'silent', TRAINS_URL: trains.url });
      const service = await startInventory({
        env,
        overrides: { tokens: tokens.verifier, engine, bookings: null },
      });
      started.push(service);
      return service;
    }),
  );
}

async function gql<T>(service: RunningInventory, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: tickets },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer<T>;
}

const holdMany = async (service: RunningInventory, inputs: unknown[]) => {
  const answer = await gql<{ holdSeatsBatch: Outcome[] }>(service, HOLD_MANY, { inputs });
  expect(answer.errors).toBeUndefined();
  return answer.data!.holdSeatsBatch;
};

/** Seats taken per leg of a run's STANDARD class, each seat once per leg (asserted). */
async function takenPerLeg(service: RunningInventory, run: RunLayout): Promise<number[]> {
  const occupancy = await service.engine.occupancy(run.runId);
  const legs = occupancy?.classes.find((c) => c.seatClass === 'STANDARD')?.takenByLeg ?? [];
  for (const leg of legs) expect(new Set(leg).size).toBe(leg.length);
  return legs.map((leg) => leg.length);
}

describe.each([
  ['in-process', 'memory', true],
  ['Redis', 'redis', redisUp],
] as const)('holdSeatsBatch on the %s engine', (_name, engineKind, available) => {
  if (!available) return it.skip('needs Redis', () => undefined);
  let service: RunningInventory;
  beforeAll(async () => {
    [service] = (await startInventories(engineKind, 1)) as [RunningInventory];
  });

  it('answers each input on its own: held, SOLD_OUT, SEAT_TAKEN, bad input, a repeated hold id', async () => {
    // Seat 2-2A is taken and the small run has one seat left.
    expect(
      (await gql(service, HOLD, { input: input('first', { seats: ['2-2A'], count: null }) })).errors,
    ).toBeUndefined();
    expect((await gql(service, HOLD, { input: input('most', { count: 3 }, small) })).errors).toBeUndefined();

    const inputs = [
      input('two', { count: 2, requestId: 'booking-req-1' }),
      input('taken', { seats: ['2-2A'], count: null }),
      input('sold-out', { count: 2 }, small),
      input('too-many', { count: 10 }),
      input('nowhere', {}, { ...layout, runId: 'NOPE:2026-12-01' }),
      input('bad id!'),
      input('bad-request-id', { requestId: 'not a request id' }),
      input('bad-stops', { fromStop: 3, toStop: 1 }),
      input('named', { seatClass: 'FIRST', seats: ['1-2A'], count: null }),
      input('two', { count: 2, requestId: 'booking-req-1' }),
      input('last', {}, small),
    ];
    const outcomes = await holdMany(service, inputs);
    expect(outcomes.map((o) => [o.holdId, o.code])).toEqual([
      ['two', null],
      ['taken', 'SEAT_TAKEN'],
      ['sold-out', 'SOLD_OUT'],
      ['too-many', 'BAD_USER_INPUT'],
      ['nowhere', 'BAD_USER_INPUT'],
      ['bad id!', 'BAD_USER_INPUT'],
      ['bad-request-id', 'BAD_USER_INPUT'],
      ['bad-stops', 'BAD_USER_INPUT'],
      ['named', null],
      ['two', null],
      ['last', null],
    ]);
    const [two, taken, soldOut, , , , , , named, twoAgain, last] = outcomes;
    expect(two?.hold).toMatchObject({ holdId: 'two', status: 'HELD' });
    expect(two?.hold?.seats).toHaveLength(2);
    // The same hold id with the same request twice in one call is one hold, as with holdSeats.
    expect(twoAgain).toEqual(two);
    expect(taken).toMatchObject({ hold: null, takenSeats: ['2-2A'], seatsLeft: null, message: expect.any(String) });
    expect(soldOut).toMatchObject({ hold: null, takenSeats: null, message: expect.any(String) });
    // One seat was left; `last`, in the same call, may have been decided first.
    expect([0, 1]).toContain(soldOut?.seatsLeft);
    expect(named?.hold?.seats).toEqual([{ coach: 1, label: '2A' }]);
    expect(last?.hold?.seats).toHaveLength(1);
    for (const refused of outcomes.filter((o) => o.code)) {
      expect(refused.hold).toBeNull();
      expect(refused.message).toEqual(expect.any(String));
    }

    // STANDARD: 2-2A and the two of `two`; the refused inputs took nothing.
    expect(await takenPerLeg(service, layout)).toEqual([3, 3, 3, 3]);
    expect(await takenPerLeg(service, small)).toEqual([4, 4]);
    for (const holdId of ['taken', 'sold-out', 'too-many', 'nowhere', 'bad-request-id', 'bad-stops'])
      expect(await service.engine.getHold(holdId)).toBeNull();

    // A retry of the call returns the same holds and the same refusals, and takes nothing more.
    const again = await holdMany(service, inputs);
    const summary = (o: Outcome) => [o.holdId, o.code, o.hold?.seats ?? null];
    expect(again.map(summary)).toEqual(outcomes.map(summary));
    expect(await takenPerLeg(service, layout)).toEqual([3, 3, 3, 3]);

    // Another request under a held id is BAD_USER_INPUT, as with holdSeats; the hold is untouched.
    const [other] = await holdMany(service, [input('two', { count: 3 })]);
    expect(other).toMatchObject({ holdId: 'two', hold: null, code: 'BAD_USER_INPUT' });
    expect((await service.engine.getHold('two'))?.seats).toEqual(
      two?.hold?.seats.map((seat) => ({ ...seat, seatClass: 'STANDARD' })),
    );
    expect(await takenPerLeg(service, layout)).toEqual([3, 3, 3, 3]);
  });

  it.each([
    ['no input', 0],
    ['101 inputs', 101],
  ])('refuses %s with BAD_USER_INPUT and holds nothing', async (_label, count) => {
    const before = await takenPerLeg(service, crowded);
    const inputs = Array.from({ length: count }, (_, i) => input(`over-${count}-${i}`, {}, crowded));
    const answer = await gql<{ holdSeatsBatch: Outcome[] }>(service, HOLD_MANY, { inputs });
    expect(answer.data).toBeNull();
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await takenPerLeg(service, crowded)).toEqual(before);
    if (count > 0) expect(await service.engine.getHold(`over-${count}-0`)).toBeNull();
  });

  it('holds 100 inputs in one call, each its own seat', async () => {
    const inputs = Array.from({ length: 100 }, (_, i) => input(`hundred-${i}`, {}, big));
    const outcomes = await holdMany(service, inputs);
    expect(outcomes.map((o) => [o.holdId, o.code])).toEqual(inputs.map((i) => [i.holdId, null]));
    const seats = outcomes.flatMap((o) => o.hold?.seats.map((s) => `${s.coach}-${s.label}`) ?? []);
    expect(new Set(seats).size).toBe(100);
    expect(await takenPerLeg(service, big)).toEqual([100]);
  });
});

describe.each([
  ['in-process', 'memory', 1, true],
  ['Redis, three processes', 'redis', 3, redisUp],
] as const)('holdSeatsBatch racing on the %s engine', (_name, engineKind, processes, available) => {
  if (!available) return it.skip('needs Redis', () => undefined);

  it('never holds more seats than are left, however many batches race for them', async () => {
    const services = await startInventories(engineKind, processes);
    const first = services[0]!;
    // 30 of the 40 seats go first; 12 batches of 20 then race for the last 10.
    for (const [holdId, count] of [
      ['prefill-a', 9],
      ['prefill-b', 9],
      ['prefill-c', 9],
      ['prefill-d', 3],
    ] as const) {
      const [outcome] = await holdMany(first, [input(holdId, { count }, crowded)]);
      expect(outcome?.hold).not.toBeNull();
    }
    const batches = Array.from({ length: 12 }, (_, b) =>
      Array.from({ length: 20 }, (_, i) =>
        input(`race-${b}-${i}`, { count: 1 + ((b + i) % 2), fromStop: i % 2, toStop: 2 }, crowded),
      ),
    );
    const answers = await Promise.all(batches.map((inputs, b) => holdMany(services[b % services.length]!, inputs)));
    const outcomes = answers.flat();
    const won = outcomes.filter((o) => o.hold);
    const lost = outcomes.filter((o) => !o.hold);
    const seatsWon = won.flatMap((o) => o.hold!.seats.map((s) => `${s.coach}-${s.label}`));
    expect(new Set(lost.map((o) => o.code))).toEqual(new Set(['SOLD_OUT']));
    // Every racer crosses leg 1, on which exactly 10 seats were free.
    expect(new Set(seatsWon).size).toBe(seatsWon.length);
    expect(seatsWon.length).toBeLessThanOrEqual(10);
    const [, leg1] = await takenPerLeg(first, crowded);
    expect(leg1).toBe(30 + seatsWon.length);
    // Nothing a single seat could take is left while a one-seat racer lost.
    const lostSingle = lost.some((o) => {
      const [, b, i] = o.holdId.split('-').map(Number) as [number, number, number];
      return (b + i) % 2 === 0;
    });
    if (lostSingle) expect(leg1).toBe(40);
  });
});

describe('holdSeatsBatch when a hold cannot be decided', () => {
  it("answers SERVICE_UNAVAILABLE for the input whose run's layout cannot be fetched, holds the others, with each booking's request id", async () => {
    const fromTrains = trainsLayoutSource(trains.url);
    // Nothing listens on port 9: the run DOWN's layout is asked of a trains that cannot be reached.
    const unreachable = trainsLayoutSource('http://127.0.0.1:9/graphql');
    const asked: Array<[string, string]> = [];
    const layouts: RunLayoutSource = {
      layoutOf: (runId, requestId) => {
        asked.push([runId, requestId]);
        return (runId.startsWith('DOWN:') ? unreachable : fromTrains).layoutOf(runId, requestId);
      },
    };
    const env = readInventoryEnv({ INVENTORY_PORT: '0', LOG_LEVEL: 'silent', TRAINS_URL: trains.url });
    const service = await startInventory({
      env,
      overrides: { tokens: tokens.verifier, engine: createMemoryEngine(), bookings: null, layouts },
    });
    started.push(service);
    const outcomes = await holdMany(service, [
      input('before-down', { requestId: 'booking-a' }),
      input('down', { requestId: 'booking-b' }, { ...layout, runId: 'DOWN:2026-12-01' }),
      input('after-down', { requestId: 'booking-c' }, small),
    ]);
    expect(outcomes.map((o) => [o.holdId, o.code, o.hold?.seats.length ?? null])).toEqual([
      ['before-down', null, 1],
      ['down', 'SERVICE_UNAVAILABLE', null],
      ['after-down', null, 1],
    ]);
    expect(asked).toEqual([
      [layout.runId, 'booking-a'],
      ['DOWN:2026-12-01', 'booking-b'],
      [small.runId, 'booking-c'],
    ]);
    expect(await takenPerLeg(service, layout)).toEqual([1, 1, 1, 1]);
  });
});
