import { randomUUID } from 'node:crypto';
import { badInput } from '@railgraph/service-kit';
import { signQuote, type QuoteSigningKey } from '@railgraph/quotes';
import { fareForJourney, SEAT_CLASSES, type PassengerType, type SeatClass } from '../fares/fare.js';
import type { FareRuleSource } from '../fares/rules.js';

export interface Money {
  amountMinor: number;
  currency: string;
}

/** A priced class of a journey with its signed quote. */
export interface FareOffer {
  seatClass: SeatClass;
  total: Money;
  breakdown: Array<{ passenger: PassengerType; amount: Money }>;
  expiresAt: Date;
  quoteToken: string;
}

export interface PricedJourney {
  runId: string;
  fromStop: number;
  toStop: number;
  distanceKm: number;
  availability: ReadonlyArray<{ seatClass: SeatClass; seatsLeft: number }>;
}

export interface FareOffers {
  /** One offer per class with seats for every passenger; 1-9 passengers. */
  offersFor(journey: PricedJourney, passengers: readonly PassengerType[]): Promise<FareOffer[]>;
}

export const MAX_PASSENGERS = 9;

export function createFareOffers(deps: {
  rules: FareRuleSource;
  signingKey: QuoteSigningKey;
  quoteTtlMs: number;
  clock?: () => Date;
}): FareOffers {
  const clock = deps.clock ?? (() => new Date());
  return {
    async offersFor(journey, passengers) {
      if (passengers.length < 1 || passengers.length > MAX_PASSENGERS) {
        throw badInput(`Fares are quoted for 1-${MAX_PASSENGERS} passengers; got ${passengers.length}`);
      }
      if (!Number.isFinite(journey.distanceKm) || journey.distanceKm < 0) {
        throw badInput(`Journey distance must be a non-negative number of km; got ${journey.distanceKm}`);
      }
      const now = clock();
      const rules = await deps.rules.rulesAt(now);
      // JWT expiry is in whole seconds; the offer shows exactly the token's expiry.
      const expiresAt = new Date(Math.floor((now.getTime() + deps.quoteTtlMs) / 1000) * 1000);
      const bookable = SEAT_CLASSES.filter((seatClass) =>
        journey.availability.some((a) => a.seatClass === seatClass && a.seatsLeft >= passengers.length),
      );
      return Promise.all(
        bookable.map(async (seatClass): Promise<FareOffer> => {
          const fare = fareForJourney(rules, { distanceKm: journey.distanceKm, seatClass, passengers });
          const money = (amountMinor: number): Money => ({ amountMinor, currency: fare.currency });
          const quoteToken = await signQuote(
            {
              quoteId: randomUUID(),
              journey: { runId: journey.runId, fromStop: journey.fromStop, toStop: journey.toStop },
              seatClass,
              passengers: [...passengers],
              total: money(fare.totalMinor),
              breakdown: fare.passengers.map((p) => p.amountMinor),
              ruleVersion: fare.ruleVersion,
              expiresAt,
            },
            deps.signingKey,
          );
          return {
            seatClass,
            total: money(fare.totalMinor),
            breakdown: fare.passengers.map((p) => ({ passenger: p.passenger, amount: money(p.amountMinor) })),
            expiresAt,
            quoteToken,
          };
        }),
      );
    },
  };
}
