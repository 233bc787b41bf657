import { randomUUID } from 'node:crypto';
import { badInput, DomainError, ErrorCode, type Logger } from '@railgraph/service-kit';
import { signQuote, type JourneyKey, type QuoteClaims, type QuoteSigningKey } from '@railgraph/quotes';
import {
  assertEligible,
  faresForJourney,
  PassengerNotEligible,
  type Passenger,
  type PassengerType,
  type SeatClass,
} from '../fares/fare.js';
import type { FareRuleSource } from '../fares/rules.js';
import { MixedCurrencies, tripFares, type LegFares, type TripFare } from '../fares/trip-fare.js';

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
  /**
   * One offer per class with seats for every passenger on every leg, each quoting the whole trip
   * (see `tripFares`); a trip of one leg is quoted as that journey. None, with a warning on `log`,
   * when the legs price in different currencies.
   */
  offersForTrip(
    legs: readonly PricedJourney[],
    passengers: readonly Passenger[],
    log: Pick<Logger, 'warn'>,
  ): Promise<FareOffer[]>;
}

export const MAX_PASSENGERS = 9;

/** What an offer's quote binds besides the price: the journey, or the first leg and every leg of a trip. */
type Bound = Pick<QuoteClaims, 'journey' | 'departure' | 'legs'>;

/** A class's price per passenger, from one journey's fare or a trip's. */
interface ClassPrice {
  seatClass: SeatClass;
  currency: string;
  ruleVersion: number;
  /** Minor units per passenger, in request order. */
  amounts: readonly number[];
}

const journeyKeyOf = (journey: PricedJourney): JourneyKey => ({
  runId: journey.runId,
  fromStop: journey.fromStop,
  toStop: journey.toStop,
});

function checkPassengerCount(passengers: readonly Passenger[]): void {
  if (passengers.length < 1 || passengers.length > MAX_PASSENGERS) {
    throw badInput(`Fares are quoted for 1-${MAX_PASSENGERS} passengers; got ${passengers.length}`);
  }
}

export function createFareOffers(deps: {
  rules: FareRuleSource;
  signingKey: QuoteSigningKey;
  quoteTtlMs: number;
  clock?: () => Date;
}): FareOffers {
  const clock = deps.clock ?? (() => new Date());
  // JWT expiry is in whole seconds; the offer shows exactly the token's expiry.
  const expiry = () => new Date(Math.floor((clock().getTime() + deps.quoteTtlMs) / 1000) * 1000);

  /** The journey's classes that can seat every passenger, priced by the rules of its service date. */
  async function bookableFares(journey: PricedJourney, passengers: readonly Passenger[]): Promise<LegFares> {
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
    const loadFactors = Object.fromEntries(journey.availability.map((a) => [a.seatClass, a.loadFactor]));
    const bookable = new Set(
      journey.availability.filter((a) => a.seatsLeft >= passengers.length).map((a) => a.seatClass),
    );
    const fares = faresForJourney(rules, { distanceKm: journey.distanceKm, passengers, loadFactors });
    return { currency: rules.currency, fares: fares.filter((fare) => bookable.has(fare.seatClass)) };
  }

  async function offerOf(
    price: ClassPrice,
    passengers: readonly Passenger[],
    bound: Bound,
    expiresAt: Date,
  ): Promise<FareOffer> {
    const money = (amountMinor: number): Money => ({ amountMinor, currency: price.currency });
    const totalMinor = price.amounts.reduce((sum, amount) => sum + amount, 0);
    const quoteToken = await signQuote(
      {
        quoteId: randomUUID(),
        ...bound,
        seatClass: price.seatClass,
        passengers: passengers.map((p) => ({ type: p.type, age: p.age ?? undefined })),
        total: money(totalMinor),
        breakdown: [...price.amounts],
        ruleVersion: price.ruleVersion,
        expiresAt,
      },
      deps.signingKey,
    );
    return {
      seatClass: price.seatClass,
      total: money(totalMinor),
      breakdown: passengers.map((passenger, i) => ({
        passenger: passenger.type,
        age: passenger.age ?? null,
        amount: money(price.amounts[i] ?? 0),
      })),
      expiresAt,
      quoteToken,
    };
  }

  /**
   * One signed offer per fare, all expiring together: `amountsOf` reads a fare's minor units per
   * passenger and `boundOf` what its quote binds besides the price, the only ways a journey's
   * fares and a trip's differ.
   */
  function offersOf<F extends Omit<ClassPrice, 'amounts'>>(
    fares: readonly F[],
    passengers: readonly Passenger[],
    amountsOf: (fare: F) => readonly number[],
    boundOf: (fare: F) => Bound,
  ): Promise<FareOffer[]> {
    const expiresAt = expiry();
    return Promise.all(
      fares.map((fare) =>
        offerOf(
          {
            seatClass: fare.seatClass,
            currency: fare.currency,
            ruleVersion: fare.ruleVersion,
            amounts: amountsOf(fare),
          },
          passengers,
          boundOf(fare),
          expiresAt,
        ),
      ),
    );
  }

  const offers: FareOffers = {
    async offersFor(journey, passengers) {
      checkPassengerCount(passengers);
      const { fares } = await bookableFares(journey, passengers);
      const bound: Bound = { journey: journeyKeyOf(journey), departure: journey.departure };
      return offersOf(
        fares,
        passengers,
        (fare) => fare.passengers.map((p) => p.amountMinor),
        () => bound,
      );
    },

    async offersForTrip(legs, passengers, log) {
      const [first, ...later] = legs;
      if (!first) throw badInput('A trip has at least one leg');
      // A direct trip is a journey: its quote is the journey's, which tickets books today.
      if (later.length === 0) return offers.offersFor(first, passengers);
      checkPassengerCount(passengers);
      const departures = legs.map((leg) => leg.departure);
      if (!departures.every((departure) => departure !== undefined)) {
        throw badInput("Each leg of a trip needs its departure and boarding station's time zone");
      }
      const priced = await Promise.all(legs.map((leg) => bookableFares(leg, passengers)));
      let fares: TripFare[];
      try {
        fares = tripFares(priced);
      } catch (error) {
        if (!(error instanceof MixedCurrencies)) throw error;
        log.warn(
          { legs: legs.map(journeyKeyOf), currencies: error.currencies },
          "no fares for a trip whose legs' fare rules price in different currencies",
        );
        return [];
      }
      return offersOf(
        fares,
        passengers,
        (fare) => fare.passengers,
        (fare) => ({
          journey: journeyKeyOf(first),
          departure: departures[0],
          legs: legs.map((leg, k) => ({
            journey: journeyKeyOf(leg),
            breakdown: fare.legs[k] ?? [],
            departure: departures[k]!,
          })),
        }),
      );
    },
  };
  return offers;
}
