import type { DistanceBandRule, FareRules } from './fare.js';

/**
 * The rule set a new database is seeded with: EUR, tapering STANDARD rates of 18.0, 12.0
 * and 8.0 cents per km (up to 100 km, to 300 km, beyond), FIRST at 1.6 times those,
 * a 2.50 minimum fare and fares rounded to 10 cents.
 */
const standardBands = [
  { fromKm: 0, toKm: 100, ratePerKmMilliMinor: 18_000 },
  { fromKm: 100, toKm: 300, ratePerKmMilliMinor: 12_000 },
  { fromKm: 300, toKm: null, ratePerKmMilliMinor: 8_000 },
];
const FIRST_FACTOR_TENTHS = 16;

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
  reductionPercent: { ADULT: 0, CHILD: 50, YOUTH: 25, SENIOR: 30 },
};
