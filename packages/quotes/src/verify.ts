import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import { verifyJwtEs256 } from '@railgraph/signing-keys';
import {
  QUOTE_ISSUER,
  QUOTE_TOKEN_TYPE,
  claimsOfPayload,
  quotedPassenger,
  quotePayloadSchema,
  type JourneyKey,
  type PassengerTypeName,
  type QuoteClaims,
} from './claims.js';

/** What the booking asks for; the quote must be for exactly this. */
export interface QuoteRequest {
  /** The journey the caller means, when it names one; otherwise the quote's own journey is booked. */
  journey?: JourneyKey;
  /**
   * The passengers in quote order. A passenger's age must be given exactly when the quote
   * has it (a child under 4 is free only with the age that made it so); a bare type is a
   * passenger without an age.
   */
  passengers: Array<PassengerTypeName | { type: PassengerTypeName; age?: number | null | undefined }>;
}

export interface QuoteVerifier {
  /**
   * The quote's claims when it was signed by prices, has not expired and matches the
   * request; a trip's quote only when its legs add up (`QuoteClaims.legs`), since the legs are
   * what each ride is charged from. Throws DomainError QUOTE_INVALID, QUOTE_EXPIRED or QUOTE_MISMATCH, or
   * SERVICE_UNAVAILABLE when prices' keys cannot be fetched.
   */
  verify(token: string, request: QuoteRequest): Promise<QuoteClaims>;
}

export interface QuoteVerifierOptions {
  clock?: () => Date;
}

/**
 * Verifies against prices' published JWKS, fetched and cached by jose (refetched for an
 * unknown kid). The signature itself is checked synchronously with node:crypto
 * (`verifyJwtEs256`), with the checks and errors of jose's `jwtVerify`.
 */
export function createQuoteVerifier(opts: { jwksUrl: string } & QuoteVerifierOptions): QuoteVerifier {
  return verifierOver(createRemoteJWKSet(new URL(opts.jwksUrl)), opts.clock);
}

/** Verifies against a JWKS held in memory (tests, or a pinned key set). */
export function createLocalQuoteVerifier(jwks: { keys: object[] }, opts: QuoteVerifierOptions = {}): QuoteVerifier {
  return verifierOver(createLocalJWKSet(jwks as JSONWebKeySet), opts.clock);
}

function verifierOver(keys: JWTVerifyGetKey, clock: () => Date = () => new Date()): QuoteVerifier {
  return {
    async verify(token, request) {
      let payload: unknown;
      try {
        ({ payload } = await verifyJwtEs256(token, keys, {
          issuer: QUOTE_ISSUER,
          typ: QUOTE_TOKEN_TYPE,
          requiredClaims: ['exp', 'jti'],
          currentDate: clock(),
        }));
      } catch (error) {
        throw verificationError(error);
      }
      const parsed = quotePayloadSchema.safeParse(payload);
      if (!parsed.success) throw invalid('The quote token carries no valid quote');
      const claims = claimsOfPayload(parsed.data);
      assertMatches(claims, request);
      return claims;
    },
  };
}

function invalid(message: string): DomainError {
  return new DomainError(ErrorCode.QUOTE_INVALID, message);
}

function verificationError(error: unknown): DomainError {
  if (error instanceof joseErrors.JWTExpired) {
    return new DomainError(ErrorCode.QUOTE_EXPIRED, 'The quote has expired; ask for fares again');
  }
  // The key set could not be fetched: prices is unreachable, the quote may well be fine.
  if (
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    !(error instanceof joseErrors.JOSEError)
  ) {
    return new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Quotes cannot be checked right now; try again');
  }
  return invalid('The quote token is not a valid quote from prices');
}

function assertMatches(claims: QuoteClaims, request: QuoteRequest): void {
  const { journey } = claims;
  const wanted = request.journey;
  if (
    wanted &&
    (journey.runId !== wanted.runId || journey.fromStop !== wanted.fromStop || journey.toStop !== wanted.toStop)
  ) {
    throw new DomainError(ErrorCode.QUOTE_MISMATCH, 'The quote is for another journey', {
      quoted: journey,
    });
  }
  const requested = request.passengers.map((p) => quotedPassenger(typeof p === 'string' ? { type: p } : p));
  const samePassengers =
    claims.passengers.length === requested.length &&
    claims.passengers.every((p, i) => p.type === requested[i]?.type && p.age === requested[i]?.age);
  if (!samePassengers) {
    throw new DomainError(ErrorCode.QUOTE_MISMATCH, 'The quote is for other passengers', {
      quotedPassengers: claims.passengers,
    });
  }
}
