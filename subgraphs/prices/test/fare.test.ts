import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  assertValidRules,
  demandMultiplier,
  fareForJourney,
  faresForJourney,
  loadBasisPoints,
  PASSENGER_TYPES,
  PassengerNotEligible,
  type FareRules,
  type Passenger,
  type PassengerType,
  type SeatClass,
} from '../src/fares/fare.js';
import { DEFAULT_FARE_RULES } from '../src/fares/default-rules.js';

const rules = DEFAULT_FARE_RULES;
const fareOf = (distanceKm: number, seatClass: SeatClass, passenger: Passenger, loadFactor = 0, r: FareRules = rules) =>
  fareForJourney(r, { distanceKm, seatClass, passengers: [passenger], loadFactor }).totalMinor;

describe('fareForJourney with the seeded rules', () => {
  // Hand-computed: STANDARD 18.0 / 12.0 / 8.0 ct per km up to 100 / 300 / beyond, FIRST x1.6,
  // minimum 2.50, reductions CHILD 50 %, YOUTH 25 %, SENIOR 30 %, rounded half up to 10 ct.
  const distanceTable: Array<[string, number, SeatClass, Record<PassengerType, number>]> = [
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
  it.each(distanceTable)('prices %s for each passenger type', (_name, distanceKm, seatClass, expected) => {
    for (const type of PASSENGER_TYPES) {
      expect([type, fareOf(distanceKm, seatClass, { type })]).toEqual([type, expected[type]]);
    }
  });

  // 200 km STANDARD is 30.00 before demand: +10 % from half taken, +25 % from 75 %, +40 % from 90 %.
  const demandTable: Array<[string, number, SeatClass, Record<PassengerType, number>]> = [
    [
      'just under half taken at the plain fare',
      0.4999,
      'STANDARD',
      { ADULT: 3000, CHILD: 1500, YOUTH: 2250, SENIOR: 2100 },
    ],
    ['half taken at +10 %', 0.5, 'STANDARD', { ADULT: 3300, CHILD: 1650, YOUTH: 2480, SENIOR: 2310 }],
    ['75 % taken at +25 %', 0.75, 'STANDARD', { ADULT: 3750, CHILD: 1880, YOUTH: 2810, SENIOR: 2630 }],
    ['90 % taken at +40 %', 0.9, 'STANDARD', { ADULT: 4200, CHILD: 2100, YOUTH: 3150, SENIOR: 2940 }],
    ['full at +40 %', 1, 'STANDARD', { ADULT: 4200, CHILD: 2100, YOUTH: 3150, SENIOR: 2940 }],
    ['FIRST 90 % taken at +40 %', 0.9, 'FIRST', { ADULT: 6720, CHILD: 3360, YOUTH: 5040, SENIOR: 4700 }],
  ];
  it.each(demandTable)('prices 200 km with %s', (_name, loadFactor, seatClass, expected) => {
    for (const type of PASSENGER_TYPES) {
      expect([type, fareOf(200, seatClass, { type }, loadFactor)]).toEqual([type, expected[type]]);
    }
  });

  it('keeps the minimum fare whatever the demand', () => {
    expect(fareOf(10, 'STANDARD', { type: 'ADULT' }, 1)).toBe(250);
  });

  it('reads a load of 29 seat-legs in 100 as 2900 basis points, not 2899', () => {
    expect(loadBasisPoints(29 / 100)).toBe(2900);
    expect(loadBasisPoints(9 / 10)).toBe(9000);
    expect(demandMultiplier(rules, 9 / 10)).toBe(14_000);
    expect(demandMultiplier(rules, 0.8999)).toBe(12_500);
    expect(loadBasisPoints(-0.1)).toBe(0);
    expect(loadBasisPoints(1.2)).toBe(10_000);
    expect(() => loadBasisPoints(Number.NaN)).toThrow(RangeError);
  });

  const ageTable: Array<[string, Passenger, number]> = [
    ['a CHILD without an age pays the child fare', { type: 'CHILD' }, 1500],
    ['a CHILD of 0 travels free', { type: 'CHILD', age: 0 }, 0],
    ['a CHILD of 3 travels free', { type: 'CHILD', age: 3 }, 0],
    ['a CHILD of 4 pays the child fare', { type: 'CHILD', age: 4 }, 1500],
    ['a CHILD of 11 pays the child fare', { type: 'CHILD', age: 11 }, 1500],
    ['a YOUTH of 12 pays the youth fare', { type: 'YOUTH', age: 12 }, 2250],
    ['a YOUTH of 25 pays the youth fare', { type: 'YOUTH', age: 25 }, 2250],
    ['a SENIOR of 65 pays the senior fare', { type: 'SENIOR', age: 65 }, 2100],
    ['an ADULT of any age pays the full fare', { type: 'ADULT', age: 3 }, 3000],
  ];
  it.each(ageTable)('%s', (_name, passenger, expected) => {
    expect(fareOf(200, 'STANDARD', passenger)).toBe(expected);
  });

  it('refuses an age outside the passenger category', () => {
    for (const passenger of [
      { type: 'CHILD', age: 12 },
      { type: 'YOUTH', age: 11 },
      { type: 'YOUTH', age: 26 },
      { type: 'SENIOR', age: 64 },
      { type: 'ADULT', age: -1 },
      { type: 'ADULT', age: 2.5 },
      { type: 'ADULT', age: 200 },
    ] as const) {
      expect(() => fareOf(200, 'STANDARD', passenger)).toThrow(PassengerNotEligible);
    }
  });

  it('lists passengers in request order with the total of their fares', () => {
    const fare = fareForJourney(rules, {
      distanceKm: 200,
      seatClass: 'STANDARD',
      passengers: [{ type: 'CHILD' }, { type: 'ADULT' }, { type: 'CHILD', age: 2 }],
      loadFactor: 0,
    });
    expect(fare).toEqual({
      seatClass: 'STANDARD',
      currency: 'EUR',
      ruleVersion: 1,
      demandMultiplierBasisPoints: 10_000,
      passengers: [
        { passenger: { type: 'CHILD' }, amountMinor: 1500 },
        { passenger: { type: 'ADULT' }, amountMinor: 3000 },
        { passenger: { type: 'CHILD', age: 2 }, amountMinor: 0 },
      ],
      totalMinor: 4500,
    });
  });

  it('sells FIRST at the STANDARD fare when demand makes STANDARD dearer', () => {
    const flat: FareRules = {
      ...rules,
      bands: rules.bands.map((band) =>
        band.seatClass === 'FIRST'
          ? {
              ...band,
              ratePerKmMilliMinor: rules.bands.find((b) => b.seatClass === 'STANDARD' && b.fromKm === band.fromKm)!
                .ratePerKmMilliMinor,
            }
          : band,
      ),
    };
    const [standard, first] = faresForJourney(flat, {
      distanceKm: 200,
      passengers: [{ type: 'ADULT' }, { type: 'SENIOR' }],
      loadFactors: { STANDARD: 0.95, FIRST: 0.1 },
    });
    expect(standard?.passengers.map((p) => p.amountMinor)).toEqual([4200, 2940]);
    expect(first?.passengers.map((p) => p.amountMinor)).toEqual([4200, 2940]);
    expect(first?.totalMinor).toBe(7140);
  });

  it('prices only the classes it has a load factor for', () => {
    const fares = faresForJourney(rules, {
      distanceKm: 50,
      passengers: [{ type: 'ADULT' }],
      loadFactors: { FIRST: 0 },
    });
    expect(fares.map((f) => [f.seatClass, f.totalMinor])).toEqual([['FIRST', 1440]]);
  });

  it('refuses a negative or non-finite distance', () => {
    expect(() => fareOf(-1, 'STANDARD', { type: 'ADULT' })).toThrow(RangeError);
    expect(() => fareOf(Number.NaN, 'STANDARD', { type: 'ADULT' })).toThrow(RangeError);
  });

  it('accepts the seeded rules as complete and refuses incomplete ones', () => {
    expect(() => assertValidRules(rules)).not.toThrow();
    expect(() => assertValidRules({ ...rules, bands: rules.bands.filter((b) => b.fromKm !== 100) })).toThrow(/gap/);
    expect(() => assertValidRules({ ...rules, demandBands: rules.demandBands.slice(1) })).toThrow(/start at load 0/);
    expect(() =>
      assertValidRules({
        ...rules,
        demandBands: [
          { fromLoadBasisPoints: 0, multiplierBasisPoints: 12_000 },
          { fromLoadBasisPoints: 5_000, multiplierBasisPoints: 11_000 },
        ],
      }),
    ).toThrow(/cheaper than the emptier/);
    expect(() => assertValidRules({ ...rules, currency: 'euro' })).toThrow(/ISO 4217/);
    expect(() =>
      assertValidRules({
        ...rules,
        passengerCategories: {
          ...rules.passengerCategories,
          CHILD: { ...rules.passengerCategories.CHILD, minAge: 12 },
        },
      }),
    ).toThrow(/reversed/);
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
    loadEdges: fc
      .uniqueArray(fc.integer({ min: 1, max: 10_000 }), { maxLength: 4 })
      .map((e) => [...e].sort((a, b) => a - b)),
    multipliers: fc
      .array(fc.integer({ min: 1, max: 30_000 }), { minLength: 5, maxLength: 5 })
      .map((m) => [...m].sort((a, b) => a - b)),
    freeUnderAge: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
  })
  .map(
    ({
      edges,
      rates,
      firstExtra,
      minimumFareMinor,
      roundingUnitMinor,
      reductions,
      loadEdges,
      multipliers,
      freeUnderAge,
    }) => {
      const starts = [0, ...edges];
      const bands = starts.flatMap((fromKm, i) => {
        const toKm = starts[i + 1] ?? null;
        const standard = rates[i] ?? 0;
        return [
          { seatClass: 'STANDARD' as const, fromKm, toKm, ratePerKmMilliMinor: standard },
          { seatClass: 'FIRST' as const, fromKm, toKm, ratePerKmMilliMinor: standard + (firstExtra[i] ?? 0) },
        ];
      });
      const demandBands = [0, ...loadEdges].map((fromLoadBasisPoints, i) => ({
        fromLoadBasisPoints,
        multiplierBasisPoints: multipliers[i] ?? 10_000,
      }));
      const [ADULT = 0, CHILD = 0, YOUTH = 0, SENIOR = 0] = reductions;
      const category = (reductionPercent: number) => ({ reductionPercent, minAge: null, maxAge: null, freeUnderAge });
      return {
        version: 1,
        currency: 'EUR',
        minimumFareMinor,
        roundingUnitMinor,
        bands,
        demandBands,
        passengerCategories: {
          ADULT: category(ADULT),
          CHILD: category(CHILD),
          YOUTH: category(YOUTH),
          SENIOR: category(SENIOR),
        },
      };
    },
  );
const anyRules = fc.oneof(fc.constant(DEFAULT_FARE_RULES), ruleSets);
const distance = fc.double({ min: 0, max: 3_000, noNaN: true });
const load = fc.double({ min: 0, max: 1, noNaN: true });
const seatClass = fc.constantFrom<SeatClass>('STANDARD', 'FIRST');
const passenger: fc.Arbitrary<Passenger> = fc
  .record({
    type: fc.constantFrom<PassengerType>(...PASSENGER_TYPES),
    age: fc.constantFrom(undefined, null, 0, 3, 4, 11),
  })
  .map((p) => (p.type === 'CHILD' ? p : { type: p.type }));
const passengers = fc.array(passenger, { minLength: 1, maxLength: 9 });

describe('fare properties over random rule sets, distances, loads and passengers', () => {
  it('is never negative and always a whole multiple of the rounding unit', () => {
    fc.assert(
      fc.property(anyRules, distance, seatClass, passengers, load, (r, d, c, p, l) => {
        for (const { amountMinor } of fareForJourney(r, { distanceKm: d, seatClass: c, passengers: p, loadFactor: l })
          .passengers) {
          expect(Number.isSafeInteger(amountMinor)).toBe(true);
          expect(amountMinor).toBeGreaterThanOrEqual(0);
          expect(amountMinor % r.roundingUnitMinor).toBe(0);
        }
      }),
    );
  });

  it('never falls as the distance grows, per class, passenger and load', () => {
    fc.assert(
      fc.property(anyRules, distance, distance, passenger, load, load, (r, a, b, p, ls, lf) => {
        const [near, far] = a <= b ? [a, b] : [b, a];
        const priced = (d: number) =>
          faresForJourney(r, { distanceKm: d, passengers: [p], loadFactors: { STANDARD: ls, FIRST: lf } });
        const [nearStandard, nearFirst] = priced(near);
        const [farStandard, farFirst] = priced(far);
        expect(nearStandard!.totalMinor).toBeLessThanOrEqual(farStandard!.totalMinor);
        expect(nearFirst!.totalMinor).toBeLessThanOrEqual(farFirst!.totalMinor);
      }),
    );
  });

  it('never falls as the class fills up', () => {
    fc.assert(
      fc.property(anyRules, distance, seatClass, passenger, load, load, (r, d, c, p, a, b) => {
        const [emptier, fuller] = a <= b ? [a, b] : [b, a];
        expect(fareOf(d, c, p, emptier, r)).toBeLessThanOrEqual(fareOf(d, c, p, fuller, r));
      }),
    );
  });

  it('prices FIRST at least as high as STANDARD for every passenger, whatever each class load', () => {
    fc.assert(
      fc.property(anyRules, distance, passengers, load, load, (r, d, p, ls, lf) => {
        const [standard, first] = faresForJourney(r, {
          distanceKm: d,
          passengers: p,
          loadFactors: { STANDARD: ls, FIRST: lf },
        });
        first!.passengers.forEach((x, i) => {
          expect(x.amountMinor).toBeGreaterThanOrEqual(standard!.passengers[i]!.amountMinor);
        });
        expect(first!.totalMinor).toBeGreaterThanOrEqual(standard!.totalMinor);
      }),
    );
  });

  it('sums the breakdown to the total, and a group pays what its passengers pay alone', () => {
    fc.assert(
      fc.property(anyRules, distance, passengers, load, load, (r, d, p, ls, lf) => {
        const loadFactors = { STANDARD: ls, FIRST: lf };
        const group = faresForJourney(r, { distanceKm: d, passengers: p, loadFactors });
        const alone = p.map((one) => faresForJourney(r, { distanceKm: d, passengers: [one], loadFactors }));
        group.forEach((fare, c) => {
          expect(fare.passengers.map((x) => x.passenger)).toEqual(p);
          expect(fare.passengers.reduce((sum, x) => sum + x.amountMinor, 0)).toBe(fare.totalMinor);
          expect(alone.reduce((sum, fares) => sum + fares[c]!.totalMinor, 0)).toBe(fare.totalMinor);
        });
      }),
    );
  });
});
