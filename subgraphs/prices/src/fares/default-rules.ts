import type { DistanceBandRule, FareRules } from './fare.js';

/**
 * The rule set a new database is seeded with: EUR, tapering STANDARD rates of 18.0, 12.0
 * and 8.0 cents per km (up to 100 km, to 300 km, beyond), FIRST at 1.6 times those,
 * a 2.50 minimum fare and fares rounded to 10 cents. Demand: plain fares until a class is
 * half taken, then +10 %, +25 % from 75 % and +40 % from 90 %. Children 4-11 pay half and
 * travel free under 4, youths 12-25 get 25 % off, seniors 65 and over 30 % off.
 */
const standardBands = [
  { fromKm: 0, toKm: 100, ratePerKmMilliMinor: 18_000 },
  { fromKm: 100, toKm: 300, ratePerKmMilliMinor: 12_000 },
  { fromKm: 300, toKm: null, ratePerKmMilliMinor: 8_000 },
];
const FIRST_FACTOR_TENTHS = 16;

/** The first service date the seeded rules price: every date the demo network runs. */
export const DEFAULT_RULES_VALID_FROM = '2026-01-01';

export const DEFAULT_FARE_RULES: FareRules = {
  version: 1,
  currency: 'EUR',
  minimumFareMinor: 250,
  roundingUnitMinor: 10,
  bands: [
    ...standardBands.map((band): DistanceBandRule => ({ seatClass: 'STANDARD', ...band })),
    ...standardBands.map((band): DistanceBandRule => ({
      seatClass: 'FIRST',
      ...band,
      ratePerKmMilliMinor: (band.ratePerKmMilliMinor * FIRST_FACTOR_TENTHS) / 10,
    })),
  ],
  demandBands: [
    { fromLoadBasisPoints: 0, multiplierBasisPoints: 10_000 },
    { fromLoadBasisPoints: 5_000, multiplierBasisPoints: 11_000 },
    { fromLoadBasisPoints: 7_500, multiplierBasisPoints: 12_500 },
    { fromLoadBasisPoints: 9_000, multiplierBasisPoints: 14_000 },
  ],
  passengerCategories: {
    // Anyone may pay the full fare.
    ADULT: { reductionPercent: 0, minAge: null, maxAge: null, freeUnderAge: null },
    CHILD: { reductionPercent: 50, minAge: 0, maxAge: 11, freeUnderAge: 4 },
    YOUTH: { reductionPercent: 25, minAge: 12, maxAge: 25, freeUnderAge: null },
    SENIOR: { reductionPercent: 30, minAge: 65, maxAge: null, freeUnderAge: null },
  },
};
