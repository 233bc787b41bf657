import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMemoryEngine } from '../src/engine/memory.js';
import { createRedisEngine } from '../src/engine/redis.js';
import type { ConfirmedSeat, Hold, InventoryEngine } from '../src/engine/engine.js';
import { SEAT_CLASSES, type SeatClass } from '../src/engine/layout.js';
import { coach, now as start, runLayout } from './fixtures.js';
import { deleteKeys, redisForTests, redisTestUrl, uniquePrefix } from '@railgraph/database/redis-testing';

const redisUp = await redisForTests();
const prefix = uniquePrefix('model');
afterAll(async () => {
  if (redisUp) await deleteKeys(redisTestUrl(), prefix);
});

// Small and crowded, so holds collide often; 4 legs so spans differ.
const layout = runLayout({
  legCount: 4,
  coaches: [coach(1, 'FIRST', 4), coach(2, 'STANDARD', 6), coach(3, 'STANDARD', 6)],
});
const holdIds = ['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9'];
const seatIdsOf = (seatClass: SeatClass) =>
  layout.coaches.filter((c) => c.seatClass === seatClass).flatMap((c) => c.seats.map((s) => `${c.number}-${s.label}`));

const stops = fc
  .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }))
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => ({ fromStop: Math.min(a, b), toStop: Math.max(a, b) }));
const seatClass = fc.constantFrom<SeatClass>('STANDARD', 'FIRST');
const ttlMs = fc.constantFrom(1_000, 30_000, 120_000);

const command = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('hold' as const),
      holdId: fc.constantFrom(...holdIds),
      stops,
      seatClass,
      count: fc.integer({ min: 1, max: 4 }),
      preference: fc.constantFrom(undefined, 'WINDOW' as const, 'AISLE' as const),
      ttlMs,
    }),
  },
  {
    weight: 2,
    arbitrary: seatClass.chain((cls) =>
      fc.record({
        op: fc.constant('holdSeats' as const),
        holdId: fc.constantFrom(...holdIds),
        stops,
        seatClass: fc.constant(cls),
        seats: fc.uniqueArray(fc.constantFrom(...seatIdsOf(cls)), { minLength: 1, maxLength: 3 }),
        ttlMs,
      }),
    ),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('confirm' as const), holdId: fc.constantFrom(...holdIds) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), holdId: fc.constantFrom(...holdIds) }) },
  {
    // Some of a hold's seats (picked by position in its current seats), sometimes one it never had.
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('releaseSeats' as const),
      holdId: fc.constantFrom(...holdIds),
      picks: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
      stranger: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('expire' as const), afterMs: fc.constantFrom(500, 5_000, 60_000) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rebuild' as const) }) },
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

/** What one operation returned: a value, or a contract error code. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await run() };
  } catch (error) {
    const code = (error as { extensions?: { code?: string } }).extensions?.code;
    if (!code) throw error;
    return { code };
  }
}

/** Seats of confirmed holds, as `tickets` would list them for a rebuild. */
async function confirmedSeatsOf(engine: InventoryEngine): Promise<ConfirmedSeat[]> {
  const holds = await Promise.all(holdIds.map((id) => engine.getHold(id)));
  return holds
    .filter((h): h is Hold => h?.status === 'CONFIRMED')
    .flatMap((h) =>
      h.seats.map((s) => ({
        holdId: h.holdId,
        coach: s.coach,
        label: s.label,
        fromStop: h.fromStop,
        toStop: h.toStop,
      })),
    );
}

async function apply(engine: InventoryEngine, cmd: Command, clock: { now: Date }, confirmed: ConfirmedSeat[]) {
  const base = { now: clock.now };
  switch (cmd.op) {
    case 'hold':
      return outcome(() =>
        engine.hold(layout, {
          ...base,
          holdId: cmd.holdId,
          ...cmd.stops,
          seatClass: cmd.seatClass,
          count: cmd.count,
          preference: cmd.preference,
          ttlMs: cmd.ttlMs,
        }),
      );
    case 'holdSeats':
      return outcome(() =>
        engine.hold(layout, {
          ...base,
          holdId: cmd.holdId,
          ...cmd.stops,
          seatClass: cmd.seatClass,
          seats: cmd.seats,
          ttlMs: cmd.ttlMs,
        }),
      );
    case 'confirm':
      return outcome(() => engine.confirm(cmd.holdId));
    case 'release':
      return outcome(() => engine.release(cmd.holdId));
    case 'releaseSeats':
      return outcome(async () => {
        const seats = (await engine.getHold(cmd.holdId))?.seats.map((s) => `${s.coach}-${s.label}`) ?? ['2-1A'];
        const picked = [...new Set(cmd.picks.map((k) => seats[k % seats.length]!))];
        return engine.releaseSeats(cmd.holdId, cmd.stranger ? [...picked, '9-99Z'] : picked);
      });
    case 'expire':
      // The reaper, with `tickets` saying no booking owns any of them.
      return outcome(async () => {
        const expired = await engine.expiredHolds(clock.now, 100);
        for (const hold of expired) await engine.release(hold.holdId);
        return expired;
      });
    case 'rebuild':
      return outcome(() => engine.rebuild(layout, confirmed, clock.now));
  }
}

async function stateOf(engine: InventoryEngine) {
  return {
    holds: await Promise.all(holdIds.map((id) => engine.getHold(id))),
    occupancy: await engine.occupancy(layout.runId),
    availability: await engine.availability(layout, 0, 4),
  };
}

function assertNoSeatTwice(state: Awaited<ReturnType<typeof stateOf>>): void {
  const live = state.holds.filter((h): h is Hold => h !== null && h.status !== 'RELEASED');
  for (const cls of SEAT_CLASSES) {
    for (let leg = 0; leg < layout.legCount; leg++) {
      const onLeg = live
        .filter((h) => h.seatClass === cls && h.fromStop <= leg && leg < h.toStop)
        .flatMap((h) => h.seats.map((s) => `${s.coach}-${s.label}`));
      expect(new Set(onLeg).size).toBe(onLeg.length);
      const taken = state.occupancy?.classes.find((c) => c.seatClass === cls)?.takenByLeg[leg] ?? [];
      expect(taken).toHaveLength(onLeg.length);
    }
  }
}

describe.skipIf(!redisUp)('in-process and Redis engines under the same random operations', () => {
  it('give identical results and never take a seat twice on a leg', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 30 }), async (commands) => {
        const model = createMemoryEngine();
        const redis = createRedisEngine({ url: redisTestUrl(), keyPrefix: `${prefix}${runs++}:` });
        try {
          const clock = { now: start };
          for (const cmd of commands) {
            const confirmed = cmd.op === 'rebuild' ? await confirmedSeatsOf(model) : [];
            if (cmd.op === 'expire') clock.now = new Date(clock.now.getTime() + cmd.afterMs);
            const expected = await apply(model, cmd, clock, confirmed);
            const actual = await apply(redis, cmd, clock, confirmed);
            expect(actual).toEqual(expected);
            const modelState = await stateOf(model);
            expect(await stateOf(redis)).toEqual(modelState);
            assertNoSeatTwice(modelState);
          }
        } finally {
          await redis.close();
        }
      }),
      { numRuns: 80 },
    );
  });
});

describe('in-process engine under random operations', () => {
  it('never takes a seat twice on a leg, also across expiry and rebuilds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (commands) => {
        const engine = createMemoryEngine();
        const clock = { now: start };
        for (const cmd of commands) {
          const confirmed = cmd.op === 'rebuild' ? await confirmedSeatsOf(engine) : [];
          if (cmd.op === 'expire') clock.now = new Date(clock.now.getTime() + cmd.afterMs);
          await apply(engine, cmd, clock, confirmed);
          assertNoSeatTwice(await stateOf(engine));
        }
      }),
      { numRuns: 200 },
    );
  });
});
