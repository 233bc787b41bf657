/**
 * Fares as integer arithmetic: distance in whole metres, rates in thousandths of a minor
 * unit per kilometre, money in minor units. The only float is the distance given in.
 */
export type SeatClass = 'STANDARD' | 'FIRST';
export type PassengerType = 'ADULT' | 'CHILD' | 'YOUTH' | 'SENIOR';
export const SEAT_CLASSES: readonly SeatClass[] = ['STANDARD', 'FIRST'];
export const PASSENGER_TYPES: readonly PassengerType[] = ['ADULT', 'CHILD', 'YOUTH', 'SENIOR'];

export interface DistanceBandRule {
  seatClass: SeatClass;
  fromKm: number;
  /** Open-ended when null. */
  toKm: number | null;
  /** Thousandths of a minor unit per km. */
  ratePerKmMilliMinor: number;
}

export interface FareRules {
  version: number;
  currency: string;
  minimumFareMinor: number;
  roundingUnitMinor: number;
  bands: readonly DistanceBandRule[];
  /** Percent off the full fare, 0-100, per passenger type. */
  reductionPercent: Readonly<Record<PassengerType, number>>;
}

export interface FareRequest {
  distanceKm: number;
  seatClass: SeatClass;
  passengers: readonly PassengerType[];
}

export interface JourneyFare {
  seatClass: SeatClass;
  currency: string;
  ruleVersion: number;
  /** Per passenger, in request order. */
  passengers: Array<{ passenger: PassengerType; amountMinor: number }>;
  totalMinor: number;
}

const METRES_PER_KM = 1000n;
const MILLI = 1000n;

/**
 * The full fare of the class (distance over the tapering bands, at least the minimum),
 * then each passenger's reduction, rounded half up to the rounding unit.
 */
export function fareForJourney(rules: FareRules, request: FareRequest): JourneyFare {
  if (!Number.isFinite(request.distanceKm) || request.distanceKm < 0) {
    throw new RangeError(`distance must be a non-negative number of km; got ${request.distanceKm}`);
  }
  const metres = BigInt(Math.round(request.distanceKm * 1000));
  const bands = rules.bands.filter((band) => band.seatClass === request.seatClass);
  if (bands.length === 0) throw new RangeError(`fare rules ${rules.version} have no bands for ${request.seatClass}`);

  // Sum of metres x rate: minor units x 10^6.
  let scaled = 0n;
  for (const band of bands) {
    const from = BigInt(band.fromKm) * METRES_PER_KM;
    const to = band.toKm === null ? metres : BigInt(band.toKm) * METRES_PER_KM;
    const upTo = metres < to ? metres : to;
    if (upTo > from) scaled += (upTo - from) * BigInt(band.ratePerKmMilliMinor);
  }
  const distanceFare = roundHalfUp(scaled, METRES_PER_KM * MILLI);
  const fullFare = distanceFare > BigInt(rules.minimumFareMinor) ? distanceFare : BigInt(rules.minimumFareMinor);
  const unit = BigInt(rules.roundingUnitMinor);

  const passengers = request.passengers.map((passenger) => {
    const percent = rules.reductionPercent[passenger];
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      throw new RangeError(`fare rules ${rules.version} have no valid reduction for ${passenger}`);
    }
    const amount = roundHalfUp(fullFare * BigInt(100 - percent), 100n * unit) * unit;
    return { passenger, amountMinor: toSafeNumber(amount) };
  });
  return {
    seatClass: request.seatClass,
    currency: rules.currency,
    ruleVersion: rules.version,
    passengers,
    totalMinor: passengers.reduce((sum, p) => sum + p.amountMinor, 0),
  };
}

/** numerator / denominator rounded half up, for non-negative numerators. */
function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`amount ${value} is too large`);
  return Number(value);
}

/**
 * Checks a rule set can price every distance: per class, bands start at 0 km, follow
 * each other without gaps and the last is open-ended; rates and amounts are
 * non-negative integers.
 */
export function assertValidRules(rules: FareRules): void {
  const problems: string[] = [];
  if (!/^[A-Z]{3}$/.test(rules.currency)) problems.push(`currency ${rules.currency} is not ISO 4217`);
  if (!Number.isInteger(rules.minimumFareMinor) || rules.minimumFareMinor < 0)
    problems.push('minimum fare must be a non-negative integer');
  if (!Number.isInteger(rules.roundingUnitMinor) || rules.roundingUnitMinor < 1)
    problems.push('rounding unit must be a positive integer');
  for (const seatClass of new Set(rules.bands.map((b) => b.seatClass))) {
    const bands = rules.bands.filter((b) => b.seatClass === seatClass).sort((a, b) => a.fromKm - b.fromKm);
    let expectedFrom: number | null = 0;
    for (const band of bands) {
      if (band.fromKm !== expectedFrom)
        problems.push(`${seatClass} band from ${band.fromKm} km leaves a gap or overlaps`);
      if (!Number.isInteger(band.ratePerKmMilliMinor) || band.ratePerKmMilliMinor < 0)
        problems.push(`${seatClass} band from ${band.fromKm} km has a bad rate`);
      if (band.toKm !== null && band.toKm <= band.fromKm)
        problems.push(`${seatClass} band from ${band.fromKm} km ends before it starts`);
      expectedFrom = band.toKm;
    }
    if (expectedFrom !== null) problems.push(`${seatClass} bands do not end open-ended`);
  }
  for (const type of PASSENGER_TYPES) {
    const percent = rules.reductionPercent[type];
    if (!Number.isInteger(percent) || percent < 0 || percent > 100)
      problems.push(`reduction for ${type} must be 0-100`);
  }
  if (problems.length > 0) throw new Error(`fare rules ${rules.version} are invalid: ${problems.join('; ')}`);
}
