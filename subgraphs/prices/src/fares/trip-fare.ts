import { SEAT_CLASSES, type JourneyFare, type SeatClass } from './fare.js';

/**
 * A trip's fare in one class: each passenger pays the sum of what their legs cost, every leg
 * priced on its own (its service date's rules, its class's load). Since each leg already keeps
 * FIRST at or above STANDARD per passenger, so do the sums.
 */
export interface TripFare {
  seatClass: SeatClass;
  currency: string;
  /** The first leg's rule set, as the quote's journey and departure are the first leg's. */
  ruleVersion: number;
  /** Per leg, in travel order: minor units per passenger, in request order. */
  legs: number[][];
  /** Per passenger, in request order: the sum over the legs. */
  passengers: number[];
  totalMinor: number;
}

/** Legs whose rules price in different currencies: their fares cannot be added up. */
export class MixedCurrencies extends Error {
  constructor(readonly currencies: readonly string[]) {
    super(`a trip's legs price in ${currencies.join(' and ')}`);
    this.name = 'MixedCurrencies';
  }
}

/** One leg as priced: its rules' currency and the fares of the classes it can seat everyone in. */
export interface LegFares {
  currency: string;
  fares: readonly JourneyFare[];
}

/**
 * A fare per class that every leg offers, in class order; none for a class some leg cannot
 * seat the passengers in. Throws MixedCurrencies when the legs' rules differ in currency.
 */
export function tripFares(legs: readonly LegFares[]): TripFare[] {
  const currencies = [...new Set(legs.map((leg) => leg.currency))];
  const currency = currencies[0];
  if (currency === undefined) throw new RangeError('a trip has at least one leg');
  if (currencies.length > 1) throw new MixedCurrencies(currencies);
  return SEAT_CLASSES.flatMap((seatClass) => {
    const perLeg = legs.map((leg) => leg.fares.find((fare) => fare.seatClass === seatClass));
    if (!perLeg.every((fare) => fare !== undefined)) return [];
    const amounts = perLeg.map((fare) => fare.passengers.map((p) => p.amountMinor));
    const passengers = amounts[0]!.map((_, i) => amounts.reduce((sum, leg) => sum + leg[i]!, 0));
    return [
      {
        seatClass,
        currency,
        ruleVersion: perLeg[0]!.ruleVersion,
        legs: amounts,
        passengers,
        totalMinor: passengers.reduce((sum, amount) => sum + amount, 0),
      },
    ];
  });
}
