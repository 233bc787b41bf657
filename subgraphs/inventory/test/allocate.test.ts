import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bestFitAllocator, firstFitAllocator, type SeatingRequest } from '../src/engine/allocate.js';
import { emptySeatLegs, isTakenOnLeg, setSeat, type SeatLegs } from '../src/engine/bitmap.js';
import { classSeats } from '../src/engine/layout.js';
import { coach, runLayout } from './fixtures.js';

// Two STANDARD coaches of 8 seats (rows of four: window, aisle, aisle, window), 4 legs.
const layout = runLayout({ legCount: 4, coaches: [coach(1, 'STANDARD', 8), coach(2, 'STANDARD', 8)] });
const standard = classSeats(layout).find((c) => c.seatClass === 'STANDARD')!;

/** Occupancy with `taken[leg]` seats taken. */
function legsWith(taken: Record<number, number[]> = {}): SeatLegs {
  const occupancy = emptySeatLegs(standard.capacity, 4);
  for (const [leg, seats] of Object.entries(taken))
    for (const seat of seats) setSeat(occupancy, seat, Number(leg), Number(leg) + 1, true);
  return occupancy;
}
const ask = (request: Partial<SeatingRequest>): SeatingRequest => ({ fromLeg: 0, toLeg: 4, count: 1, ...request });
const allLegs = (...seats: number[]) => ({ 0: seats, 1: seats, 2: seats, 3: seats });

describe('best-fit seat allocator', () => {
  it('gives a short journey the seat whose free span fits it most tightly', () => {
    // Seat 5 is taken on legs 2-3 only: free exactly for a journey over legs 0-1.
    const legs = legsWith({ 2: [5], 3: [5] });
    expect(bestFitAllocator({ seats: standard, occupancy: legs }, ask({ fromLeg: 0, toLeg: 2 }))).toEqual([5]);
    expect(firstFitAllocator({ seats: standard, occupancy: legs }, ask({ fromLeg: 0, toLeg: 2 }))).toEqual([0]);
  });

  it('honours a window or aisle preference before tightness', () => {
    const legs = legsWith({ 2: [5], 3: [5] });
    // Seat 5 is an aisle seat (1B of coach 2); a window seat is preferred when asked for.
    expect(
      bestFitAllocator({ seats: standard, occupancy: legs }, ask({ fromLeg: 0, toLeg: 2, preference: 'WINDOW' })),
    ).toEqual([0]);
    expect(
      bestFitAllocator({ seats: standard, occupancy: legs }, ask({ fromLeg: 0, toLeg: 2, preference: 'AISLE' })),
    ).toEqual([5]);
  });

  it('seats a group side by side in one row when a row has room', () => {
    const legs = legsWith(allLegs(1));
    // Coach 1 row 1 is broken by seat 1; seats 2-3 + 4 would cross rows; row 2 (4-7) fits four.
    expect(bestFitAllocator({ seats: standard, occupancy: legs }, ask({ count: 4 }))).toEqual([4, 5, 6, 7]);
  });

  it('keeps a group in one coach, as close together as it can, before splitting it', () => {
    // Coach 1 has seats 0, 2, 4, 6 free (none adjacent); coach 2 is full but for 8 and 15.
    const legs = legsWith(allLegs(1, 3, 5, 7, 9, 10, 11, 12, 13, 14));
    expect(bestFitAllocator({ seats: standard, occupancy: legs }, ask({ count: 3 }))).toEqual([0, 2, 4]);
  });

  it('splits a group over the coaches with most room when no coach seats it whole', () => {
    const legs = legsWith(allLegs(0, 1, 2, 3, 4, 8, 9, 10));
    const chosen = bestFitAllocator({ seats: standard, occupancy: legs }, ask({ count: 6 }));
    expect(chosen).toHaveLength(6);
    expect(new Set(chosen?.map((seat) => (seat < 8 ? 1 : 2)))).toEqual(new Set([1, 2]));
    expect(chosen?.slice(0, 5)).toEqual([11, 12, 13, 14, 15]);
  });

  it('returns null when fewer seats are free on every leg than wanted', () => {
    const legs = legsWith({ 1: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] });
    expect(bestFitAllocator({ seats: standard, occupancy: legs }, ask({ count: 3 }))).toBeNull();
    expect(bestFitAllocator({ seats: standard, occupancy: legs }, ask({ count: 2 }))).toEqual([14, 15]);
  });

  // 40 seats randomly taken; the naive rule: fewest free legs adjoining the journey, lowest index.
  // 6 legs fit one word per seat; 45 legs take two, so the journey and its slack cross words.
  it.each([6, 45])(
    'picks, for one traveller, the free seat with the least slack around the journey (%i legs)',
    (legCount) => {
      const wide = runLayout({ legCount, coaches: [coach(1, 'STANDARD', 24), coach(2, 'STANDARD', 16)] });
      const cls = classSeats(wide).find((c) => c.seatClass === 'STANDARD')!;
      const journey = fc
        .tuple(fc.integer({ min: 0, max: legCount }), fc.integer({ min: 0, max: legCount }))
        .filter(([a, b]) => a !== b)
        .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
      const taken = fc.array(fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), {
        minLength: legCount,
        maxLength: legCount,
      });
      fc.assert(
        fc.property(journey, taken, ([fromLeg, toLeg], grid) => {
          const occupancy = emptySeatLegs(40, legCount);
          grid.forEach((row, leg) => row.forEach((t, seat) => t && setSeat(occupancy, seat, leg, leg + 1, true)));
          const freeOn = (seat: number, leg: number) => !isTakenOnLeg(occupancy, seat, leg);
          let expected: number | null = null;
          let expectedSlack = Infinity;
          for (let seat = 0; seat < 40; seat++) {
            let ok = true;
            for (let leg = fromLeg; leg < toLeg; leg++) ok &&= freeOn(seat, leg);
            if (!ok) continue;
            let slack = 0;
            for (let leg = fromLeg - 1; leg >= 0 && freeOn(seat, leg); leg--) slack++;
            for (let leg = toLeg; leg < legCount && freeOn(seat, leg); leg++) slack++;
            if (slack < expectedSlack) {
              expected = seat;
              expectedSlack = slack;
            }
          }
          const chosen = bestFitAllocator({ seats: cls, occupancy }, { fromLeg, toLeg, count: 1 });
          expect(chosen).toEqual(expected === null ? null : [expected]);
        }),
        { numRuns: 500 },
      );
    },
  );

  it('looks past the seats free on every leg no further than it must, choosing as a full scan does', () => {
    const wide = runLayout({ legCount: 8, coaches: [coach(1, 'STANDARD', 24), coach(2, 'STANDARD', 16)] });
    const cls = classSeats(wide).find((c) => c.seatClass === 'STANDARD')!;
    // A few seats near the front taken on some legs, some of them freed again.
    const booking = fc.record({ seat: fc.integer({ min: 0, max: 15 }), from: fc.integer({ min: 0, max: 7 }) });
    const journey = fc
      .tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }))
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
    fc.assert(
      fc.property(
        fc.array(booking, { maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 4 }),
        journey,
        fc.constantFrom(undefined, 'WINDOW' as const, 'AISLE' as const),
        (bookings, freed, [fromLeg, toLeg], preference) => {
          const occupancy = emptySeatLegs(40, 8);
          for (const { seat, from } of bookings) setSeat(occupancy, seat, from, Math.min(8, from + 3), true);
          for (const seat of freed) setSeat(occupancy, seat, 0, 8, false);
          const fullScan: SeatLegs = { ...occupancy, freeFrom: occupancy.capacity };
          const request = { fromLeg, toLeg, count: 1, preference };
          expect(bestFitAllocator({ seats: cls, occupancy }, request)).toEqual(
            bestFitAllocator({ seats: cls, occupancy: fullScan }, request),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
