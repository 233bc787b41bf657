import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  expiredToken,
  invalidToken,
  principalOfClaims,
  type AccessTokenClaims,
} from './claims.js';
import type { Principal } from './principal.js';

export interface TokenVerifier {
  /**
   * null when the header is absent (or empty); DomainError UNAUTHENTICATED when present but
   * not a valid Bearer ES256 token of our issuer/audience (malformed, alg none/HS256,
   * forged, other key, expired, wrong iss/aud). SERVICE_UNAVAILABLE when the key set
   * cannot be fetched.
   */
  principalOf(authorization: string | undefined): Promise<Principal | null>;
}

export interface TokenVerifierOptions {
  issuer?: string;
  audience?: string;
  /** The verification time; tests pass a fixed clock. */
  clock?: () => Date;
}

/** Tolerated clock difference between the issuing and the verifying host. */
const CLOCK_TOLERANCE_SECONDS = 5;
// RFC 6750 §2.1 (the scheme is case-insensitive) carrying a compact JWS: three base64url parts.
const bearerPattern = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/**
 * Verifies against the issuer's published JWKS. jose caches the set, refetches it at most
 * every 30 s when a token names an unknown `kid` (a rotation), and after 10 minutes.
 */
export function createTokenVerifier(opts: { jwksUrl: string } & TokenVerifierOptions): TokenVerifier {
  return verifierOver(createRemoteJWKSet(new URL(opts.jwksUrl)), opts);
}

/** Verifies against a key set the caller holds, e.g. the issuing service's own keys. */
export function createLocalTokenVerifier(jwks: { keys: object[] }, opts: TokenVerifierOptions = {}): TokenVerifier {
  return verifierOver(createLocalJWKSet(jwks as JSONWebKeySet), opts);
}

/** How long a verified token is taken on trust without checking its signature again. */
export const VERIFIED_TOKEN_TRUST_MS = 60_000;
/** Most verified tokens remembered; the oldest is forgotten first. */
const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Tokens already verified, with when to stop trusting them: at their expiry, and at most
 * VERIFIED_TOKEN_TRUST_MS after the check, when the signature is checked again (against the
 * key set jose keeps, itself refreshed at least every 10 minutes). A client sends the same
 * token with every request, so most requests skip the ES256 verification, a large share of a
 * booking's CPU at a rush.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; trustUntilMs: number }>();

  get(token: string, nowMs: number): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (nowMs < entry.trustUntilMs) return entry.principal;
    this.entries.delete(token);
    return undefined;
  }

  set(token: string, principal: Principal, expiresAtMs: number, nowMs: number): void {
    if (this.entries.size >= VERIFIED_TOKEN_CACHE_SIZE) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { principal, trustUntilMs: Math.min(expiresAtMs, nowMs + VERIFIED_TOKEN_TRUST_MS) });
  }
}

function verifierOver(keys: JWTVerifyGetKey, opts: TokenVerifierOptions): TokenVerifier {
  const issuer = opts.issuer ?? ACCESS_TOKEN_ISSUER;
  const audience = opts.audience ?? ACCESS_TOKEN_AUDIENCE;
  const verified = new VerifiedTokens();
  return {
    async principalOf(authorization) {
      if (authorization === undefined || authorization.trim() === '') return null;
      const token = bearerPattern.exec(authorization.trim())?.[1];
      if (!token) throw invalidToken();
      const nowMs = (opts.clock?.() ?? new Date()).getTime();
      const known = verified.get(token, nowMs);
      if (known) return known;
      let claims: AccessTokenClaims;
      try {
        ({ payload: claims } = await jwtVerify<AccessTokenClaims>(token, keys, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer,
          audience,
          requiredClaims: ['exp'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          ...(opts.clock ? { currentDate: opts.clock() } : {}),
        }));
      } catch (error) {
        throw verificationError(error);
      }
      const principal = principalOfClaims(claims);
      // `exp` is required above.
      verified.set(token, principal, (claims.exp ?? 0) * 1000, nowMs);
      return principal;
    },
  };
}

function verificationError(error: unknown): DomainError {
  if (error instanceof errors.JWTExpired) return expiredToken();
  // The key set could not be had: not the caller's fault, and not a reason to sign them out.
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError)
  ) {
    return new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The access token cannot be checked right now');
  }
  return invalidToken();
}
