import { isTimeZone, z } from '@railgraph/service-kit';

/**
 * A price quote: what `prices` offered for one class of one journey and these
 * passengers, signed so that `tickets` charges exactly that price without asking again.
 */
export type SeatClassName = 'STANDARD' | 'FIRST';
export type PassengerTypeName = 'ADULT' | 'CHILD' | 'YOUTH' | 'SENIOR';

export interface JourneyKey {
  runId: string;
  fromStop: number;
  toStop: number;
}

/** A passenger as quoted: the category and, when the traveller gave it, the age in years. */
export interface QuotedPassenger {
  type: PassengerTypeName;
  age?: number | undefined;
}

/**
 * One journey of a trip with changes, as its quote binds it: the leg's own price per passenger,
 * so a booking can charge (and a refund give back) each ride, and its own departure.
 */
export interface QuoteLeg {
  journey: JourneyKey;
  /** Minor units per passenger for this leg, in request order. */
  breakdown: number[];
  /** When the leg leaves its boarding station, and that station's IANA time zone. */
  departure: { at: Date; timeZone: string };
}

export interface QuoteClaims {
  quoteId: string;
  journey: JourneyKey;
  seatClass: SeatClassName;
  passengers: QuotedPassenger[];
  total: { amountMinor: number; currency: string };
  /** Minor units per passenger, in request order; sums to `total.amountMinor`. */
  breakdown: number[];
  /** Version of the fare rule set the price came from. */
  ruleVersion: number;
  expiresAt: Date;
  /**
   * When the journey leaves its boarding station, and that station's IANA time zone: what a
   * refund deadline and a ticket's validity are reckoned from. Absent only in quotes signed
   * before prices carried them.
   */
  departure?: { at: Date; timeZone: string } | undefined;
  /**
   * A trip with changes: its journeys in order, at least two. `journey` and `departure` are then
   * the first leg's, and each passenger's `breakdown` entry is the sum of their legs' entries.
   * Absent for a quote on one journey, which is all a quote was before trips.
   */
  legs?: QuoteLeg[] | undefined;
}

export const QUOTE_ISSUER = 'urn:railgraph:prices';
/** The JWS `typ` header of a quote, so no other token prices might sign passes as one. */
export const QUOTE_TOKEN_TYPE = 'railgraph-quote+jwt';
export const QUOTE_ALGORITHM = 'ES256';

const minorUnits = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const journeyKeySchema = z
  .object({
    runId: z.string().min(1),
    fromStop: z.number().int().min(0),
    toStop: z.number().int().min(1),
  })
  .refine((journey) => journey.fromStop < journey.toStop, 'fromStop must precede toStop');

const departureSchema = z.strictObject({
  at: z.iso.datetime(),
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone'),
});

const legSchema = z.strictObject({
  journey: journeyKeySchema,
  breakdown: z.array(minorUnits),
  departure: departureSchema,
});

type JourneyKeyPayload = z.output<typeof journeyKeySchema>;
const sameJourney = (a: JourneyKeyPayload, b: JourneyKeyPayload) =>
  a.runId === b.runId && a.fromStop === b.fromStop && a.toStop === b.toStop;

interface LegsToCheck {
  journey: JourneyKeyPayload;
  breakdown: readonly number[];
  departure?: { at: string; timeZone: string } | undefined;
  legs?: ReadonlyArray<z.output<typeof legSchema>> | undefined;
}

/**
 * The rules a trip quote's legs must keep (see `QuoteClaims.legs`), as one predicate so that
 * signing and verifying apply the same ones. Connecting legs is trains' business, not checked here.
 */
function legsAddUp({ journey, breakdown, departure, legs }: LegsToCheck): boolean {
  if (legs === undefined) return true;
  const first = legs[0];
  if (legs.length < 2 || !first || !departure) return false;
  const startsTheTrip =
    sameJourney(first.journey, journey) &&
    Date.parse(first.departure.at) === Date.parse(departure.at) &&
    first.departure.timeZone === departure.timeZone;
  if (!startsTheTrip || legs.some((leg) => leg.breakdown.length !== breakdown.length)) return false;
  return breakdown.every(
    (amount, i) => legs.reduce((sum, leg) => sum + (leg.breakdown[i] ?? Number.NaN), 0) === amount,
  );
}

/** The JWT payload besides the registered claims (`iss`, `jti`, `iat`, `exp`). */
export const quotePayloadSchema = z
  .object({
    jti: z.string().min(1),
    exp: z.number().int(),
    journey: journeyKeySchema,
    seatClass: z.enum(['STANDARD', 'FIRST']),
    passengers: z
      .array(
        z.strictObject({
          type: z.enum(['ADULT', 'CHILD', 'YOUTH', 'SENIOR']),
          age: z.number().int().min(0).max(150).optional(),
        }),
      )
      .min(1),
    total: z.object({ amountMinor: minorUnits, currency: z.string().regex(/^[A-Z]{3}$/) }),
    breakdown: z.array(minorUnits),
    ruleVersion: z.number().int().min(1),
    departure: departureSchema.optional(),
    legs: z.array(legSchema).optional(),
  })
  .refine((p) => p.breakdown.length === p.passengers.length, 'one breakdown entry per passenger')
  .refine(
    (p) => p.breakdown.reduce((sum, amount) => sum + amount, 0) === p.total.amountMinor,
    'breakdown must sum to total',
  )
  .refine(legsAddUp, "a trip has at least two legs, the first being the quote's journey, that add up to the breakdown");

export type QuotePayload = z.output<typeof quotePayloadSchema>;

export function claimsOfPayload(payload: QuotePayload): QuoteClaims {
  return {
    quoteId: payload.jti,
    journey: { ...payload.journey },
    seatClass: payload.seatClass,
    passengers: payload.passengers.map(quotedPassenger),
    total: { ...payload.total },
    breakdown: [...payload.breakdown],
    ruleVersion: payload.ruleVersion,
    expiresAt: new Date(payload.exp * 1000),
    ...(payload.departure
      ? { departure: { at: new Date(payload.departure.at), timeZone: payload.departure.timeZone } }
      : {}),
    ...(payload.legs
      ? {
          legs: payload.legs.map((leg) => ({
            journey: { ...leg.journey },
            breakdown: [...leg.breakdown],
            departure: { at: new Date(leg.departure.at), timeZone: leg.departure.timeZone },
          })),
        }
      : {}),
  };
}

/** The quote's legs as they go into the payload, with the checks verification makes (see `legsAddUp`). */
export function legsPayloadOf(claims: QuoteClaims): Array<z.output<typeof legSchema>> | undefined {
  if (!claims.legs) return undefined;
  const iso = (departure: { at: Date; timeZone: string }) => ({
    at: departure.at.toISOString(),
    timeZone: departure.timeZone,
  });
  const legs = claims.legs.map((leg) => ({
    journey: { runId: leg.journey.runId, fromStop: leg.journey.fromStop, toStop: leg.journey.toStop },
    breakdown: [...leg.breakdown],
    departure: iso(leg.departure),
  }));
  const quote = {
    journey: claims.journey,
    breakdown: claims.breakdown,
    departure: claims.departure ? iso(claims.departure) : undefined,
    legs,
  };
  if (!legsAddUp(quote)) {
    throw new Error(
      "a trip quote needs at least two legs, the first being the quote's journey and departure, adding up to its breakdown",
    );
  }
  return legs;
}

/** A passenger with no age field when none was given, so equal passengers compare equal. */
export function quotedPassenger(passenger: {
  type: PassengerTypeName;
  age?: number | null | undefined;
}): QuotedPassenger {
  return passenger.age === null || passenger.age === undefined
    ? { type: passenger.type }
    : { type: passenger.type, age: passenger.age };
}
