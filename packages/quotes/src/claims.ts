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
}

export const QUOTE_ISSUER = 'urn:railgraph:prices';
/** The JWS `typ` header of a quote, so no other token prices might sign passes as one. */
export const QUOTE_TOKEN_TYPE = 'railgraph-quote+jwt';
export const QUOTE_ALGORITHM = 'ES256';

const minorUnits = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The JWT payload besides the registered claims (`iss`, `jti`, `iat`, `exp`). */
export const quotePayloadSchema = z
  .object({
    jti: z.string().min(1),
    exp: z.number().int(),
    journey: z.object({
      runId: z.string().min(1),
      fromStop: z.number().int().min(0),
      toStop: z.number().int().min(1),
    }),
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
    departure: z
      .strictObject({
        at: z.iso.datetime(),
        timeZone: z.string().refine(isTimeZone, 'not an IANA time zone'),
      })
      .optional(),
  })
  .refine((p) => p.journey.fromStop < p.journey.toStop, 'fromStop must precede toStop')
  .refine((p) => p.breakdown.length === p.passengers.length, 'one breakdown entry per passenger')
  .refine(
    (p) => p.breakdown.reduce((sum, amount) => sum + amount, 0) === p.total.amountMinor,
    'breakdown must sum to total',
  );

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
  };
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
