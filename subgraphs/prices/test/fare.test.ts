import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  assertValidRules,
  fareForJourney,
  PASSENGER_TYPES,
  type FareRules,
  type PassengerType,
  type SeatClass,
} from '../src/fares/fare.js';
import { DEFAULT_FARE_RULES } from '../src/fares/default-rules.js';

const rules = DEFAULT_FARE_RULES;
const fareOf = (distanceKm: number, seatClass: SeatClass, passenger: PassengerType, r: FareRules = rules) =>
  fareForJourney(r, { distanceKm, seatClass, passengers: [passenger] }).totalMinor;

describe('fareForJourney with the seeded rules', () => {
  // Hand-computed: STANDARD 18.0 / 12.0 / 8.0 ct per km up to 100 / 300 / beyond, FIRST x1.6,
  // minimum 2.50, reductions CHILD 50 %, YOUTH 25 %, SENIOR 30 %, rounded half up to 10 ct.
  const table: Array<[string, number, SeatClass, Record<PassengerType, number>]> = [
    ['the minimum fare on a short hop', 10, 'STANDARD', { ADULT: 250, CHILD: 130, YOUTH: 190, SENIOR: 180 }],
    ['the first band only', 50, 'STANDARD', { ADULT: 900, CHILD: 450, YOUTH: 680, SENIOR: 630 }],
    ['exactly the first band', 100, 'STANDARD', { ADULT: 1800, CHILD: 900, YOUTH: 1350, SENIOR: 1260 }],
    ['two bands', 200, 'STANDARD', { ADULT: 3000, CHILD: 1500, YOUTH: 2250, SENIOR: 2100 }],
    ['all three bands', 450, 'STANDARD', { ADULT: 5400, CHILD: 2700, YOUTH: 4050, SENIOR: 3780 }],
    ['a fractional distance', 123.456, 'STANDARD', { ADULT: 2080, CHILD: 1040, YOUTH: 1560, SENIOR: 1460 }],
    ['FIRST over two bands', 200, 'FIRST', { ADULT: 4800, CHILD: 2400, YOUTH: 3600, SENIOR: 3360 }],
    ['FIRST over all three bands', 450, 'FIRST', { ADULT: 8640, CHILD: 4320, YOUTH: 6480, SENIOR: 6050 }],
    ['the minimum fare at zero distance', 0, 'FIRST', { ADULT: 250, CHILD: 130, YOUTH: 190, SENIOR: 180 }],
  ];
  it.each(table)('prices %s', (_name, distanceKm, seatClass, expected) => {
    for (const passenger of PASSENGER_TYPES) {
      expect([passenger, fareOf(distanceKm, seatClass, passenger)]).toEqual([passenger, expected[passenger]]);
    }
  });

  it('lists passengers in request order with the total of their fares', () => {
    const fare = fareForJourney(rules, {
      distanceKm: 200,
      seatClass: 'STANDARD',
      passengers: ['CHILD', 'ADULT', 'CHILD'],
    });
    expect(fare).toEqual({
      seatClass: 'STANDARD',
      currency: 'EUR',
      ruleVersion: 1,
      passengers: [
        { passenger: 'CHILD', amountMinor: 1500 },
        { passenger: 'ADULT', amountMinor: 3000 },
        { passenger: 'CHILD', amountMinor: 1500 },
      ],
      totalMinor: 6000,
    });
  });

  it('refuses a negative or non-finite distance', () => {
    expect(() => fareOf(-1, 'STANDARD', 'ADULT')).toThrow(RangeError);
    expect(() => fareOf(Number.NaN, 'STANDARD', 'ADULT')).toThrow(RangeError);
  });

  it('accepts the seeded rules as complete', () => {
    expect(() => assertValidRules(rules)).not.toThrow();
    expect(() => assertValidRules({ ...rules, bands: rules.bands.filter((b) => b.fromKm !== 100) })).toThrow(/gap/);
  });
});

/** Valid random rule sets: shared band edges, FIRST rates at least the STANDARD ones. */
const ruleSets: fc.Arbitrary<FareRules> = fc
  .record({
    edges: fc.uniqueArray(fc.integer({ min: 1, max: 2000 }), { maxLength: 4 }).map((e) => [...e].sort((a, b) => a - b)),
    rates: fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 5, maxLength: 5 }),
    firstExtra: fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 5, maxLength: 5 }),
    minimumFareMinor: fc.integer({ min: 0, max: 2_000 }),
    roundingUnitMinor: fc.constantFrom(1, 5, 10, 50, 100),
    reductions: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 4, maxLength: 4 }),
  })
  .map(({ edges, rates, firstExtra, minimumFareMinor, roundingUnitMinor, reductions }) => {
    const starts = [0, ...edges];
    const bands = starts.flatMap((fromKm, i) => {
      const toKm = starts[i + 1] ?? null;
      const standard = rates[i] ?? 0;
      return [
        { seatClass: 'STANDARD' as const, fromKm, toKm, ratePerKmMilliMinor: standard },
        { seatClass: 'FIRST' as const, fromKm, toKm, ratePerKmMilliMinor: standard + (firstExtra[i] ?? 0) },
      ];
    });
    const [ADULT = 0, CHILD = 0, YOUTH = 0, SENIOR = 0] = reductions;
    return {
      version: 1,
      currency: 'EUR',
      minimumFareMinor,
      roundingUnitMinor,
      bands,
      reductionPercent: { ADULT, CHILD, YOUTH, SENIOR },
    };
  });
const anyRules = fc.oneof(fc.constant(DEFAULT_FARE_RULES), ruleSets);
const distance = fc.double({ min: 0, max: 3_000, noNaN: true });
const seatClass = fc.constantFrom<SeatClass>('STANDARD', 'FIRST');
const passenger = fc.constantFrom<PassengerType>(...PASSENGER_TYPES);
const passengers = fc.array(passenger, { minLength: 1, maxLength: 9 });

describe('fareForJourney properties', () => {
  it('is never negative and always a whole multiple of the rounding unit', () => {
    fc.assert(
      fc.property(anyRules, distance, seatClass, passengers, (r, d, c, p) => {
        for (const { amountMinor } of fareForJourney(r, { distanceKm: d, seatClass: c, passengers: p }).passengers) {
          expect(Number.isSafeInteger(amountMinor)).toBe(true);
          expect(amountMinor).toBeGreaterThanOrEqual(0);
          expect(amountMinor % r.roundingUnitMinor).toBe(0);
        }
      }),
    );
  });

  it('never falls as the distance grows, per class and passenger type', () => {
    fc.assert(
      fc.property(anyRules, distance, distance, seatClass, passenger, (r, a, b, c, p) => {
        const [near, far] = a <= b ? [a, b] : [b, a];
        expect(fareOf(near, c, p, r)).toBeLessThanOrEqual(fareOf(far, c, p, r));
      }),
    );
  });

  it('prices FIRST at least as high as STANDARD', () => {
    fc.assert(
      fc.property(anyRules, distance, passenger, (r, d, p) => {
        expect(fareOf(d, 'FIRST', p, r)).toBeGreaterThanOrEqual(fareOf(d, 'STANDARD', p, r));
      }),
    );
  });

  it('sums the breakdown to the total, and a group pays what its passengers pay alone', () => {
    fc.assert(
      fc.property(anyRules, distance, seatClass, passengers, (r, d, c, p) => {
        const group = fareForJourney(r, { distanceKm: d, seatClass: c, passengers: p });
        expect(group.passengers.map((x) => x.passenger)).toEqual(p);
        expect(group.passengers.reduce((sum, x) => sum + x.amountMinor, 0)).toBe(group.totalMinor);
        expect(p.reduce((sum, one) => sum + fareOf(d, c, one, r), 0)).toBe(group.totalMinor);
      }),
    );
  });
});
