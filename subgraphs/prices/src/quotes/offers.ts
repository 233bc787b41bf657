import { randomUUID } from 'node:crypto';
import { badInput, DomainError, ErrorCode } from '@railgraph/service-kit';
import { signQuote, type QuoteSigningKey } from '@railgraph/quotes';
import {
  assertEligible,
  faresForJourney,
  PassengerNotEligible,
  type Passenger,
  type PassengerType,
  type SeatClass,
} from '../fares/fare.js';
import type { FareRuleSource } from '../fares/rules.js';

export interface Money {
  amountMinor: number;
  currency: string;
}

/** A priced class of a journey with its signed quote. */
export interface FareOffer {
  seatClass: SeatClass;
  total: Money;
  breakdown: Array<{ passenger: PassengerType; age: number | null; amount: Money }>;
  expiresAt: Date;
  quoteToken: string;
}

export interface PricedJourney {
  runId: string;
  fromStop: number;
  toStop: number;
  /** `YYYY-MM-DD`, from the run id: picks the fare rules. */
  serviceDate: string;
  distanceKm: number;
  availability: ReadonlyArray<{ seatClass: SeatClass; seatsLeft: number; loadFactor: number }>;
  /** When and in which time zone the journey leaves; bound in the quote for refunds and ticket validity. */
  departure?: { at: Date; timeZone: string } | undefined;
}

export interface FareOffers {
  /** One offer per class with seats for every passenger; 1-9 passengers. */
  offersFor(journey: PricedJourney, passengers: readonly Passenger[]): Promise<FareOffer[]>;
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
      const rules = await deps.rules.rulesFor(journey.serviceDate);
      if (!rules) {
        throw new DomainError(ErrorCode.NOT_FOUND, `No fares are published for travel on ${journey.serviceDate}`, {
          serviceDate: journey.serviceDate,
        });
      }
      try {
        for (const passenger of passengers) assertEligible(rules, passenger);
      } catch (error) {
        if (error instanceof PassengerNotEligible) throw badInput(error.message);
        throw error;
      }
      const now = clock();
      // JWT expiry is in whole seconds; the offer shows exactly the token's expiry.
      const expiresAt = new Date(Math.floor((now.getTime() + deps.quoteTtlMs) / 1000) * 1000);
      const loadFactors = Object.fromEntries(journey.availability.map((a) => [a.seatClass, a.loadFactor]));
      const bookable = new Set(
        journey.availability.filter((a) => a.seatsLeft >= passengers.length).map((a) => a.seatClass),
      );
      const fares = faresForJourney(rules, { distanceKm: journey.distanceKm, passengers, loadFactors });
      return Promise.all(
        fares
          .filter((fare) => bookable.has(fare.seatClass))
          .map(async (fare): Promise<FareOffer> => {
            const money = (amountMinor: number): Money => ({ amountMinor, currency: fare.currency });
            const quoteToken = await signQuote(
              {
                quoteId: randomUUID(),
                journey: { runId: journey.runId, fromStop: journey.fromStop, toStop: journey.toStop },
                seatClass: fare.seatClass,
                passengers: passengers.map((p) => ({ type: p.type, age: p.age ?? undefined })),
                total: money(fare.totalMinor),
                breakdown: fare.passengers.map((p) => p.amountMinor),
                ruleVersion: fare.ruleVersion,
                expiresAt,
                departure: journey.departure,
              },
              deps.signingKey,
            );
            return {
              seatClass: fare.seatClass,
              total: money(fare.totalMinor),
              breakdown: fare.passengers.map((p) => ({
                passenger: p.passenger.type,
                age: p.passenger.age ?? null,
                amount: money(p.amountMinor),
              })),
              expiresAt,
              quoteToken,
            };
          }),
      );
    },
  };
}
