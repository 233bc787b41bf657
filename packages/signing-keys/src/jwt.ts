import { errors, type CompactJWSHeaderParameters, type JWTPayload } from 'jose';
import type { Es256Key } from './es256-keys.js';
import { isJsonObject, strictUtf8, verifyCompactEs256, type Es256KeyResolver } from './jws.js';

/**
 * An ES256 JWT (RFC 7519) checked as jose's `jwtVerify` checks it with the same options, on
 * the synchronous signature of `./jws.js`. Same checks in the same order, same error classes:
 * a caller that mapped jose's errors maps these the same way (JWTExpired for an expired token).
 */
export interface JwtVerifyOptions {
  /** The `iss` the token must carry; required when given. */
  issuer?: string | undefined;
  /** The header `typ`, compared as jose compares it (see `CompactJwsVerifyOptions`). */
  typ?: string | undefined;
  /** Claims that must be present, whatever their value. */
  requiredClaims?: readonly string[] | undefined;
  /** The time `exp` and `nbf` are checked against; now when not given. There is no clock tolerance. */
  currentDate?: Date | undefined;
}

export interface VerifiedJwt {
  protectedHeader: CompactJWSHeaderParameters;
  payload: JWTPayload;
}

/**
 * The claims of a genuine, current token. Throws what `verifyCompactEs256` throws, then
 * JWTInvalid (payload not a JSON object), JWTClaimValidationFailed (a claim missing, wrong or
 * not yet valid) or JWTExpired.
 */
export async function verifyJwtEs256(
  token: string,
  keys: Es256KeyResolver | Es256Key,
  options: JwtVerifyOptions = {},
): Promise<VerifiedJwt> {
  const { protectedHeader, payload } = await verifyCompactEs256(token, keys, { typ: options.typ });
  return { protectedHeader, payload: validClaims(payload, options) };
}

function validClaims(bytes: Uint8Array, options: JwtVerifyOptions): JWTPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictUtf8.decode(bytes));
  } catch (cause) {
    throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object', { cause });
  }
  if (!isJsonObject(parsed)) throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object');
  const claims: JWTPayload = parsed;

  const { issuer, requiredClaims = [] } = options;
  // jose's order: the issuer's presence first, then the required claims from last to first.
  const present = new Set([...(issuer === undefined ? [] : ['iss']), ...[...requiredClaims].reverse()]);
  for (const claim of present) {
    if (!Object.hasOwn(claims, claim)) {
      throw new errors.JWTClaimValidationFailed(`missing required "${claim}" claim`, claims, claim, 'missing');
    }
  }
  if (issuer !== undefined && claims.iss !== issuer) {
    throw new errors.JWTClaimValidationFailed('unexpected "iss" claim value', claims, 'iss', 'check_failed');
  }

  const now = Math.floor((options.currentDate ?? new Date()).getTime() / 1000);
  if (!Number.isFinite(now)) throw new TypeError('Invalid currentDate option input');
  numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nbf > now) {
    throw new errors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', claims, 'nbf', 'check_failed');
  }
  const exp = numericDate(claims, 'exp');
  // Expired from its own second on ("on or after", RFC 7519 §4.1.4), as jose reckons it.
  if (exp !== undefined && exp <= now) {
    throw new errors.JWTExpired('"exp" claim timestamp check failed', claims, 'exp', 'check_failed');
  }
  return claims;
}

/** A NumericDate claim: absent, or a number (seconds since the epoch). */
function numericDate(claims: JWTPayload, claim: 'iat' | 'nbf' | 'exp'): number | undefined {
  const value: unknown = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') {
    throw new errors.JWTClaimValidationFailed(`"${claim}" claim must be a number`, claims, claim, 'invalid');
  }
  return value;
}
