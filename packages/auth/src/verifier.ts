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

function verifierOver(keys: JWTVerifyGetKey, opts: TokenVerifierOptions): TokenVerifier {
  const issuer = opts.issuer ?? ACCESS_TOKEN_ISSUER;
  const audience = opts.audience ?? ACCESS_TOKEN_AUDIENCE;
  return {
    async principalOf(authorization) {
      if (authorization === undefined || authorization.trim() === '') return null;
      const token = bearerPattern.exec(authorization.trim())?.[1];
      if (!token) throw invalidToken();
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
      return principalOfClaims(claims);
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
