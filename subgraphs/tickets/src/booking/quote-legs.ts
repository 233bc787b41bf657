import type { JourneyKey, QuoteClaims } from '@railgraph/quotes';
import { badInput } from '@railgraph/service-kit';
import { legHoldId } from './legs.js';

/**
 * The legs a verified quote books (docs/design.md §4, "Trips with changes"): its journey alone,
 * or each journey of a trip with changes, with that leg's hold id and each passenger's fare on it.
 */
export interface BookedLeg {
  /** 0 for the first train. */
  leg: number;
  journey: JourneyKey;
  holdId: string;
  /** Minor units per passenger on this leg, in passenger order. */
  breakdown: number[];
  departure: { at: Date; timeZone: string } | null;
}

export function bookedLegs(bookingId: string, quote: QuoteClaims): BookedLeg[] {
  const legs = quote.legs ?? [{ journey: quote.journey, breakdown: quote.breakdown, departure: quote.departure }];
  return legs.map((leg, i) => ({
    leg: i,
    journey: { ...leg.journey },
    holdId: legHoldId(bookingId, i),
    breakdown: leg.breakdown,
    departure: leg.departure ?? null,
  }));
}

/**
 * The seats named for each leg: none (assigned), or one per passenger on each leg in travel
 * order. BAD_USER_INPUT when the count fits neither (checked before anything is held).
 */
export function seatsPerLeg(seats: readonly string[] | null | undefined, passengers: number, legs: number): string[][] {
  if (!seats || seats.length === 0) return Array.from({ length: legs }, () => []);
  if (seats.length !== passengers * legs) {
    throw badInput(
      legs === 1
        ? 'Name one seat per passenger, or none to have seats assigned'
        : `Name one seat per passenger on each of the trip's ${legs} trains (${passengers * legs} in all, in travel order), or none to have seats assigned`,
      { field: 'seats' },
    );
  }
  const perLeg = Array.from({ length: legs }, (_, k) => seats.slice(k * passengers, (k + 1) * passengers));
  if (perLeg.some((named) => new Set(named).size !== named.length)) {
    throw badInput('The same seat is named twice', { field: 'seats' });
  }
  return perLeg;
}
