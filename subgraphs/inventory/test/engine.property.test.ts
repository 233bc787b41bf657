import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMemoryEngine } from '../src/engine/memory.js';
import type { Hold, InventoryEngine } from '../src/engine/engine.js';
import { classSeats, SEAT_CLASSES, type SeatClass } from '../src/engine/layout.js';
import { coach, now, runLayout } from './fixtures.js';

// Small and crowded, so holds collide often.
const layout = runLayout({
  legCount: 3,
  coaches: [coach(1, 'FIRST', 4), coach(2, 'STANDARD', 4), coach(3, 'STANDARD', 4)],
});
const seatIndex = new Map(classSeats(layout).flatMap((cls) => cls.seats.map((s) => [s.seatId, s.index] as const)));
const holdIds = ['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7'];
const seatIdsOf = (seatClass: SeatClass) =>
  layout.coaches.filter((c) => c.seatClass === seatClass).flatMap((c) => c.seats.map((s) => `${c.number}-${s.label}`));

const stops = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => ({ fromStop: Math.min(a, b), toStop: Math.max(a, b) }));
const seatClass = fc.constantFrom<SeatClass>('STANDARD', 'FIRST');

const command = fc.oneof(
  fc.record({
    op: fc.constant('hold' as const),
    holdId: fc.constantFrom(...holdIds),
    stops,
    seatClass,
    count: fc.integer({ min: 1, max: 5 }),
  }),
  seatClass.chain((cls) =>
    fc.record({
      op: fc.constant('holdSeats' as const),
      holdId: fc.constantFrom(...holdIds),
      stops,
      seatClass: fc.constant(cls),
      seats: fc.uniqueArray(fc.constantFrom(...seatIdsOf(cls)), { minLength: 1, maxLength: 3 }),
    }),
  ),
  fc.record({ op: fc.constant('confirm' as const), holdId: fc.constantFrom(...holdIds) }),
  fc.record({ op: fc.constant('release' as const), holdId: fc.constantFrom(...holdIds) }),
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

async function apply(engine: InventoryEngine, cmd: Command): Promise<void> {
  const base = { holdId: cmd.holdId, ttlMs: 60_000, now };
  if (cmd.op === 'hold')
    await engine.hold(layout, { ...base, ...cmd.stops, seatClass: cmd.seatClass, count: cmd.count });
  else if (cmd.op === 'holdSeats')
    await engine.hold(layout, { ...base, ...cmd.stops, seatClass: cmd.seatClass, seats: cmd.seats });
  else if (cmd.op === 'confirm') await engine.confirm(cmd.holdId);
  else await engine.release(cmd.holdId);
}

async function checkInvariants(engine: InventoryEngine): Promise<void> {
  const holds = (await Promise.all(holdIds.map((id) => engine.getHold(id)))).filter((h): h is Hold => h !== null);
  const live = holds.filter((h) => h.status !== 'RELEASED');
  const occupancy = await engine.occupancy(layout.runId);
  for (const cls of SEAT_CLASSES) {
    for (let leg = 0; leg < layout.legCount; leg++) {
      const onLeg = live
        .filter((h) => h.seatClass === cls && h.fromStop <= leg && leg < h.toStop)
        .flatMap((h) => h.seats.map((s) => seatIndex.get(`${s.coach}-${s.label}`)));
      // No seat is held or sold twice on a leg.
      expect(new Set(onLeg).size).toBe(onLeg.length);
      // Taken bits are exactly the seats of confirmed holds and live holds.
      const taken = occupancy?.classes.find((c) => c.seatClass === cls)?.takenByLeg[leg] ?? [];
      expect(taken).toEqual([...onLeg].sort((a, b) => (a ?? 0) - (b ?? 0)));
    }
  }
}

describe('in-process inventory engine under random operations', () => {
  it('never takes a seat twice on a leg and keeps taken bits equal to confirmed plus live holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (commands) => {
        const engine = createMemoryEngine();
        for (const cmd of commands) {
          try {
            await apply(engine, cmd);
          } catch (error) {
            const code = (error as { extensions?: { code?: string } }).extensions?.code;
            expect(['SOLD_OUT', 'SEAT_TAKEN', 'BAD_USER_INPUT', 'NOT_FOUND']).toContain(code);
          }
          await checkInvariants(engine);
        }
      }),
      { numRuns: 300 },
    );
  });
});
