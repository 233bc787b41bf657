/**
 * Fares as integer arithmetic: distance in whole metres, rates in thousandths of a minor
 * unit per kilometre, demand multipliers and load in basis points, money in minor units.
 * The only floats are the distance and load factor given in; no amount is ever a float.
 */
export type SeatClass = 'STANDARD' | 'FIRST';
export type PassengerType = 'ADULT' | 'CHILD' | 'YOUTH' | 'SENIOR';
export const SEAT_CLASSES: readonly SeatClass[] = ['STANDARD', 'FIRST'];
export const PASSENGER_TYPES: readonly PassengerType[] = ['ADULT', 'CHILD', 'YOUTH', 'SENIOR'];

/** 100 % in basis points, for load factors and demand multipliers. */
export const FULL_BASIS_POINTS = 10_000;
export const MAX_PASSENGER_AGE = 130;

export interface DistanceBandRule {
  seatClass: SeatClass;
  fromKm: number;
  /** Open-ended when null. */
  toKm: number | null;
  /** Thousandths of a minor unit per km. */
  ratePerKmMilliMinor: number;
}

/** From this share of seat-legs taken up to the next band, full fares are multiplied. */
export interface DemandBandRule {
  /** 0-10000: 7500 is a class 75 % taken. */
  fromLoadBasisPoints: number;
  /** 10000 is the plain fare, 12500 a quarter more. */
  multiplierBasisPoints: number;
}

export interface PassengerCategory {
  /** Percent off the full fare, 0-100. */
  reductionPercent: number;
  /** Ages the category is for, checked when a passenger's age is given; null is no bound. */
  minAge: number | null;
  maxAge: number | null;
  /** Passengers younger than this travel free (children under 4); null when none do. */
  freeUnderAge: number | null;
}

export interface FareRules {
  version: number;
  currency: string;
  minimumFareMinor: number;
  roundingUnitMinor: number;
  bands: readonly DistanceBandRule[];
  demandBands: readonly DemandBandRule[];
  passengerCategories: Readonly<Record<PassengerType, PassengerCategory>>;
}

/** A passenger as priced: the category, and the age in whole years when the traveller gave it. */
export interface Passenger {
  type: PassengerType;
  age?: number | null | undefined;
}

export interface FareRequest {
  distanceKm: number;
  seatClass: SeatClass;
  passengers: readonly Passenger[];
  /** Share of the class's seat-legs taken on the journey's legs, 0 to 1. */
  loadFactor: number;
}

export interface JourneyFare {
  seatClass: SeatClass;
  currency: string;
  ruleVersion: number;
  /** The demand band's multiplier that applied. */
  demandMultiplierBasisPoints: number;
  /** Per passenger, in request order. */
  passengers: Array<{ passenger: Passenger; amountMinor: number }>;
  totalMinor: number;
}

/** A passenger the rule set has no fare for: an age outside the category's ages. */
export class PassengerNotEligible extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PassengerNotEligible';
  }
}

const METRES_PER_KM = 1000n;
const MILLI = 1000n;
const BASIS = BigInt(FULL_BASIS_POINTS);

/**
 * The load factor in whole basis points, clamped to 0-10000. The epsilon keeps a ratio of
 * integers such as 29/100 (0.28999... as a double) in the band it belongs to.
 */
export function loadBasisPoints(loadFactor: number): number {
  if (!Number.isFinite(loadFactor)) throw new RangeError(`load factor must be a number; got ${loadFactor}`);
  const basisPoints = Math.floor(loadFactor * FULL_BASIS_POINTS + 1e-6);
  return Math.min(FULL_BASIS_POINTS, Math.max(0, basisPoints));
}

/** The multiplier of the highest demand band the load has reached. */
export function demandMultiplier(rules: FareRules, loadFactor: number): number {
  const load = loadBasisPoints(loadFactor);
  let multiplier: number | null = null;
  let reached = -1;
  for (const band of rules.demandBands) {
    if (band.fromLoadBasisPoints <= load && band.fromLoadBasisPoints > reached) {
      reached = band.fromLoadBasisPoints;
      multiplier = band.multiplierBasisPoints;
    }
  }
  if (multiplier === null) throw new RangeError(`fare rules ${rules.version} have no demand band for load ${load}`);
  return multiplier;
}

/** Throws PassengerNotEligible when a given age does not fit the passenger's category. */
export function assertEligible(rules: FareRules, passenger: Passenger): void {
  const { age } = passenger;
  if (age === null || age === undefined) return;
  if (!Number.isInteger(age) || age < 0 || age > MAX_PASSENGER_AGE) {
    throw new PassengerNotEligible(`A passenger's age is a whole number of years, 0-${MAX_PASSENGER_AGE}; got ${age}`);
  }
  const category = rules.passengerCategories[passenger.type];
  if ((category.minAge !== null && age < category.minAge) || (category.maxAge !== null && age > category.maxAge)) {
    const range = `${category.minAge ?? 0}${category.maxAge === null ? ' and over' : `-${category.maxAge}`}`;
    throw new PassengerNotEligible(`A ${passenger.type} passenger is ${range} years old; got ${age}`);
  }
}

/**
 * One class's fare: distance over the tapering bands times the demand multiplier of the
 * class's load, at least the minimum fare; then each passenger's reduction (or nothing
 * for those young enough to travel free), rounded half up to the rounding unit once.
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
  const multiplier = demandMultiplier(rules, request.loadFactor);
  // Full fare in minor units x 10^10 (x 10^6 from the rates, x 10^4 from the multiplier).
  const fullScale = METRES_PER_KM * MILLI * BASIS;
  const demandFare = scaled * BigInt(multiplier);
  const minimum = BigInt(rules.minimumFareMinor) * fullScale;
  const fullFare = demandFare > minimum ? demandFare : minimum;
  const unit = BigInt(rules.roundingUnitMinor);

  const passengers = request.passengers.map((passenger) => {
    assertEligible(rules, passenger);
    const category = rules.passengerCategories[passenger.type];
    const free =
      category.freeUnderAge !== null &&
      passenger.age !== null &&
      passenger.age !== undefined &&
      passenger.age < category.freeUnderAge;
    const amount = free
      ? 0n
      : roundHalfUp(fullFare * BigInt(100 - category.reductionPercent), 100n * fullScale * unit) * unit;
    return { passenger, amountMinor: toSafeNumber(amount) };
  });
  return {
    seatClass: request.seatClass,
    currency: rules.currency,
    ruleVersion: rules.version,
    demandMultiplierBasisPoints: multiplier,
    passengers,
    totalMinor: passengers.reduce((sum, p) => sum + p.amountMinor, 0),
  };
}

/**
 * Every class the journey has a load factor for, priced for the same passengers. FIRST is
 * never sold below STANDARD: where demand makes STANDARD dearer (a full STANDARD against an
 * empty FIRST), each FIRST passenger pays the STANDARD amount instead.
 */
export function faresForJourney(
  rules: FareRules,
  request: {
    distanceKm: number;
    passengers: readonly Passenger[];
    loadFactors: Partial<Record<SeatClass, number>>;
  },
): JourneyFare[] {
  const priced = SEAT_CLASSES.flatMap((seatClass) => {
    const loadFactor = request.loadFactors[seatClass];
    return loadFactor === undefined
      ? []
      : [
          fareForJourney(rules, {
            distanceKm: request.distanceKm,
            seatClass,
            passengers: request.passengers,
            loadFactor,
          }),
        ];
  });
  const standard = priced.find((fare) => fare.seatClass === 'STANDARD');
  return priced.map((fare) => {
    if (fare.seatClass !== 'FIRST' || !standard) return fare;
    const passengers = fare.passengers.map((p, i) => {
      const floor = standard.passengers[i]?.amountMinor ?? 0;
      return p.amountMinor >= floor ? p : { ...p, amountMinor: floor };
    });
    return { ...fare, passengers, totalMinor: passengers.reduce((sum, p) => sum + p.amountMinor, 0) };
  });
}

/** numerator / denominator rounded half up, for non-negative numerators. */
function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`amount ${value} is too large`);
  return Number(value);
}

const isAge = (value: number | null) =>
  value === null || (Number.isInteger(value) && value >= 0 && value <= MAX_PASSENGER_AGE + 1);

/**
 * Checks a rule set can price every distance, load and passenger: per class, bands start
 * at 0 km, follow each other without gaps and the last is open-ended; demand bands start
 * at 0 % load, rise strictly and never make a fuller train cheaper; rates, multipliers,
 * reductions and ages are in range.
 */
export function assertValidRules(rules: FareRules): void {
  const problems: string[] = [];
  if (!Number.isInteger(rules.version) || rules.version < 1) problems.push('version must be a positive integer');
  if (!/^[A-Z]{3}$/.test(rules.currency)) problems.push(`currency ${rules.currency} is not ISO 4217`);
  if (!Number.isInteger(rules.minimumFareMinor) || rules.minimumFareMinor < 0)
    problems.push('minimum fare must be a non-negative integer');
  if (!Number.isInteger(rules.roundingUnitMinor) || rules.roundingUnitMinor < 1)
    problems.push('rounding unit must be a positive integer');
  for (const seatClass of SEAT_CLASSES) {
    const bands = rules.bands.filter((b) => b.seatClass === seatClass).sort((a, b) => a.fromKm - b.fromKm);
    if (bands.length === 0) problems.push(`${seatClass} has no distance bands`);
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
    if (bands.length > 0 && expectedFrom !== null) problems.push(`${seatClass} bands do not end open-ended`);
  }
  const demand = [...rules.demandBands].sort((a, b) => a.fromLoadBasisPoints - b.fromLoadBasisPoints);
  if (demand[0]?.fromLoadBasisPoints !== 0) problems.push('demand bands must start at load 0');
  demand.forEach((band, i) => {
    const previous = demand[i - 1];
    if (!Number.isInteger(band.fromLoadBasisPoints) || band.fromLoadBasisPoints > FULL_BASIS_POINTS)
      problems.push(`demand band from ${band.fromLoadBasisPoints} is not a load of 0-10000 basis points`);
    if (!Number.isInteger(band.multiplierBasisPoints) || band.multiplierBasisPoints < 1)
      problems.push(`demand band from ${band.fromLoadBasisPoints} has a bad multiplier`);
    if (previous && previous.fromLoadBasisPoints === band.fromLoadBasisPoints)
      problems.push(`two demand bands start at ${band.fromLoadBasisPoints}`);
    if (previous && previous.multiplierBasisPoints > band.multiplierBasisPoints)
      problems.push(`demand band from ${band.fromLoadBasisPoints} is cheaper than the emptier one before it`);
  });
  for (const type of PASSENGER_TYPES) {
    const category = rules.passengerCategories[type] as PassengerCategory | undefined;
    if (!category) {
      problems.push(`no passenger category for ${type}`);
      continue;
    }
    const { reductionPercent, minAge, maxAge, freeUnderAge } = category;
    if (!Number.isInteger(reductionPercent) || reductionPercent < 0 || reductionPercent > 100)
      problems.push(`reduction for ${type} must be 0-100`);
    if (!isAge(minAge) || !isAge(maxAge) || !isAge(freeUnderAge)) problems.push(`ages for ${type} are out of range`);
    if (minAge !== null && maxAge !== null && minAge > maxAge) problems.push(`ages for ${type} are reversed`);
  }
  if (problems.length > 0) throw new Error(`fare rules ${rules.version} are invalid: ${problems.join('; ')}`);
}
